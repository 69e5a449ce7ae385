"""The personal-data inventory: every model that holds data about a person declares here, field by
field, what it is, why it is kept, how long, whether it is exported, and how it is erased.

Apps declare their models in a ``privacy`` module (discovered at start-up); export (GDPR Art. 15/20)
and erasure (Art. 17) are driven by these declarations only, so they cannot drift from the models:
``tests/test_privacy_inventory.py`` fails when a model gains a field that is not classified.

Erasure modes:
- ``delete``: the person's rows are deleted (notes, tokens, personal answers).
- ``anonymise``: the rows stay for statistics (counts, completion rates, averages) and the listed
  personal fields are replaced by their ``erased`` value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import conf
from .pages import PAGE_MODEL

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DELETE = "delete"
ANONYMISE = "anonymise"
KEEP = (
    object()
)  # the value stays: once the person is anonymised it identifies nobody (e.g. a rating)


@dataclass(frozen=True)
class Personal:
    """One field holding personal data."""

    what: StrOrPromise
    purpose: StrOrPromise
    retention: StrOrPromise
    export: bool = True
    erased: Any = ""  # the value it gets when the row is anonymised


@dataclass(frozen=True)
class Record:
    """How one model holds personal data.

    ``subject``: lookups from the model to the person (user) whose data a row is, e.g. ``("user",)``
    or ``("mentor", "mentee")`` for rows shared by two people. ``authored``: lookup of the author
    when only the author may see a row (private notes): export and erasure then follow the author
    only. ``actors``: links to people who acted on the row (decided, created, revoked); erasing
    such a person clears the link and nothing else. ``members``: many-to-many fields linking rows
    and people (the colleagues invited to a room, an account's groups): a person's links are
    exported, named by the row at the other end, and erasing the person removes the links; the rows
    stay. ``other``: the fields that hold no personal data (explicitly, so every field is
    decided)."""

    model: str
    subject: tuple[str, ...] = ()
    personal: dict[str, Personal] = field(default_factory=dict)
    actors: dict[str, Personal] = field(default_factory=dict)  # FKs to people acting on the row
    members: dict[str, Personal] = field(default_factory=dict)  # many-to-many links with people
    other: tuple[str, ...] = ()
    erase: str = ANONYMISE
    authored: str = ""
    title: str | Promise = ""  # lazily translated
    export_related: dict[str, str] = field(
        default_factory=dict
    )  # label -> lookup for context columns
    app: str = ""  # whose PRIVACY.md lists it: by default the model's app (third-party: lms)

    @property
    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)

    def links_of(self, name: str, user) -> tuple[QuerySet, str]:
        """The rows of the many-to-many field ``name``'s through table that link ``user``, and the
        name of the through table's field leading to the other end."""
        m2m = self.model_class._meta.get_field(name)
        through = m2m.remote_field.through  # type: ignore[union-attr]
        if m2m.related_model is get_user_model():  # the person at the far end: a room's colleagues
            person, other = m2m.m2m_reverse_field_name(), m2m.m2m_field_name()  # type: ignore[union-attr]
        else:  # the person is the row: an account's groups
            person, other = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()  # type: ignore[union-attr]
        return through._base_manager.filter(**{person: user}).select_related(other), other

    def rows_of(self, user) -> QuerySet:
        manager = self.model_class._base_manager
        if self.authored:
            return manager.filter(**{self.authored: user})
        if not self.subject:
            return manager.none()
        condition = Q()
        for lookup in self.subject:
            condition |= Q(**{lookup: user.pk if lookup in ("pk", "id") else user})
        return manager.filter(condition).distinct()


_REGISTRY: dict[str, Record] = {}
_HOOKS: list[Callable] = []


def register(*records: Record) -> None:
    for record in records:
        _REGISTRY[record.model.lower()] = record


def register_erasure_hook(hook: Callable) -> Callable:
    """Extra erasure steps for data outside model rows of a person (e.g. sessions, login attempts);
    called with ``user`` before the inventory is applied."""
    _HOOKS.append(hook)
    return hook


def records() -> list[Record]:
    return list(_REGISTRY.values())


def record_for(model: type[Model]) -> Record | None:
    return _REGISTRY.get(model._meta.label_lower)


def classified_fields(model: type[Model]) -> set[str]:
    record = record_for(model)
    if record is None:
        return set()
    direct_subjects = {
        lookup for lookup in (*record.subject, record.authored) if lookup and "__" not in lookup
    }
    parent_links = {
        field.name
        for field in model._meta.concrete_fields
        if field.remote_field is not None and getattr(field.remote_field, "parent_link", False)
    }
    return (
        set(record.personal)
        | set(record.actors)
        | set(record.members)
        | set(record.other)
        | direct_subjects
        | parent_links
    )


def _value(instance: Model, name: str):
    value = getattr(instance, name)
    if isinstance(value, Model):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "name") and hasattr(value, "url"):  # files
        return value.name or ""
    if hasattr(value, "raw_data"):  # StreamField
        return list(value.raw_data)
    return value


def export_person(user) -> list[dict]:
    """Every exported personal field of the person, grouped by model, with context columns."""
    user = get_user_model()._base_manager.get(pk=user.pk)
    sections = []
    for record in records():
        model = record.model_class
        names = [name for name, spec in record.personal.items() if spec.export]
        rows = []
        for instance in record.rows_of(user).order_by("pk"):
            row = {"id": instance.pk}
            for label, lookup in record.export_related.items():
                target = instance
                for part in lookup.split("__"):
                    target = getattr(target, part, None) if target is not None else None
                row[label] = str(target) if target is not None else ""
            for name in names:
                row[name] = _value(instance, name)
            rows.append(row)
        if rows:
            sections.append(
                {
                    "model": record.model,
                    "title": str(record.title or model._meta.verbose_name_plural),
                    "fields": {
                        name: {
                            "label": str(
                                getattr(model._meta.get_field(name), "verbose_name", name)
                            ),
                            "what": str(record.personal[name].what),
                            "purpose": str(record.personal[name].purpose),
                            "retention": str(record.personal[name].retention),
                        }
                        for name in names
                    },
                    "rows": rows,
                }
            )
        for name, spec in record.members.items():
            if spec.export:
                sections += _export_links(record, name, spec, user)
    return sections


def _export_links(record: Record, name: str, spec: Personal, user) -> list[dict]:
    links, other = record.links_of(name, user)
    rows = [
        {"id": getattr(link, f"{other}_id"), name: str(getattr(link, other))}
        for link in links.order_by(f"{other}_id")
    ]
    if not rows:
        return []
    label = str(getattr(record.model_class._meta.get_field(name), "verbose_name", name))
    return [
        {
            "model": f"{record.model}.{name}",
            "title": str(spec.what)[:1].upper() + str(spec.what)[1:],
            "fields": {
                name: {
                    "label": label,
                    "what": str(spec.what),
                    "purpose": str(spec.purpose),
                    "retention": str(spec.retention),
                }
            },
            "rows": rows,
        }
    ]


def erase_person(user) -> dict[str, int]:
    """Delete or anonymise everything the inventory lists for the person; returns counts per model
    (no personal data)."""
    user = get_user_model()._base_manager.get(pk=user.pk)
    counts: dict[str, int] = {}
    for hook in _HOOKS:
        for label, count in (hook(user) or {}).items():
            counts[label] = counts.get(label, 0) + count
    for record in sorted(records(), key=lambda r: r.model_class is type(user)):  # the user row last
        model = record.model_class
        for name in record.members:
            removed = record.links_of(name, user)[0].delete()[0]
            if removed:
                counts[f"{record.model}.{name}"] = removed
        for name in record.actors:
            cleared = model._base_manager.filter(**{name: user}).update(**{name: None})
            if cleared:
                counts[f"{record.model}.{name}"] = cleared
        rows = record.rows_of(user)
        if record.erase == DELETE:
            count = rows.count()
            rows.delete()
        else:
            changing = {
                name: spec for name, spec in record.personal.items() if spec.erased is not KEEP
            }
            count = 0
            for instance in rows:
                for name, spec in changing.items():
                    setattr(
                        instance,
                        name,
                        spec.erased(instance) if callable(spec.erased) else spec.erased,
                    )
                if changing:
                    instance.save(update_fields=list(changing))
                count += 1
        if count:
            counts[record.model] = counts.get(record.model, 0) + count
    return counts


def purposes() -> Iterable[tuple[str, str, str, str]]:
    """(what, field, purpose, retention) for the privacy notice; "what" is the record's title (as in
    the export) or else the model's name."""
    for record in records():
        model = record.model_class
        for name, spec in [*record.personal.items(), *record.members.items()]:
            yield (
                str(record.title or model._meta.verbose_name_plural),
                str(getattr(model._meta.get_field(name), "verbose_name", name)),
                str(spec.purpose),
                str(spec.retention),
            )


# --- cms's own models and Wagtail's page base -------------------------------------------------


def _declare_cms() -> None:
    page_fields = (
        "id",
        "path",
        "depth",
        "numchild",
        "translation_key",
        "locale",
        "latest_revision",
        "live",
        "has_unpublished_changes",
        "first_published_at",
        "last_published_at",
        "live_revision",
        "go_live_at",
        "expire_at",
        "expired",
        "locked",
        "locked_at",
        "title",
        "draft_title",
        "slug",
        "content_type",
        "url_path",
        "latest_revision_created_at",
        "alias_of",
        "show_in_menus",
        "seo_title",
        "search_description",
    )
    author = Personal(
        _("editor who owns or locked the page"),
        _("editorial work"),
        _("as long as the page exists"),
        export=False,
        erased=None,
    )
    register(
        # The site's base page model: wagtailcore.Page unless WAGTAIL_PAGE_MODEL swaps it.
        Record(PAGE_MODEL, actors={"owner": author, "locked_by": author}, other=page_fields),
        Record("cms.HomePage", other=("intro", "body")),
        Record("cms.ContentPage", other=("intro", "body")),
        Record(
            "cms.SiteSettings",
            other=(
                "id",
                "site",
                "organisation_name",
                "logo",
                "contact_email",
                "contact_phone",
                "address",
                "privacy_page",
                "imprint_page",
            ),
        ),
        Record(
            "cms.NavigationItem", other=("id", "sort_order", "settings", "label", "page", "url")
        ),
        Record(
            "cms.AuditEvent",
            personal={
                "actor": Personal(
                    _("pseudonymous id of who did it"),
                    _("security and accountability"),
                    _("one year"),
                    export=False,
                    erased=KEEP,
                ),
                "subject": Personal(
                    _("pseudonymous id of whom it concerned"),
                    _("security and accountability"),
                    _("one year"),
                    export=False,
                    erased=KEEP,
                ),
            },
            other=("id", "at", "action", "target", "details"),
        ),
        Record(
            "cms.OutgoingMail",
            subject=("recipient",),
            erase=DELETE,
            title=_("E-mails to you"),
            personal={
                "to_address": Personal(
                    _("e-mail address the mail goes to"),
                    _("sending the e-mail"),
                    _("30 days after it was recorded, once sent or failed"),
                ),
                "subject": Personal(
                    _("subject of the e-mail"),
                    _("sending the e-mail"),
                    _("30 days after it was recorded, once sent or failed"),
                ),
                "body": Personal(
                    _("text of the e-mail (your name, dates, links)"),
                    _("sending the e-mail"),
                    _("30 days after it was recorded, once sent or failed"),
                    export=False,
                ),
                "html": Personal(
                    _("text of the e-mail (your name, dates, links)"),
                    _("sending the e-mail"),
                    _("30 days after it was recorded, once sent or failed"),
                    export=False,
                ),
                "attachments": Personal(
                    _("attachments of the e-mail (calendar entries)"),
                    _("sending the e-mail"),
                    _("30 days after it was recorded, once sent or failed"),
                    export=False,
                ),
                "last_error": Personal(
                    _("the mail server's answer, which may name the address"),
                    _("finding out why an e-mail was not delivered"),
                    _("30 days after it was recorded, once sent or failed"),
                    export=False,
                ),
            },
            other=(
                "id",
                "key",
                "template",
                "from_address",
                "status",
                "attempts",
                "next_attempt_at",
                "claimed_at",
                "created_at",
                "sent_at",
            ),
        ),
    )


# --- Retention ---------------------------------------------------------------------------------

_RETENTION: list[tuple[str, Callable]] = []


def register_retention(description: str) -> Callable:
    """A retention rule: ``rule(*, now, dry_run) -> int`` removes (or counts, in a dry run) what is
    past its retention period. ``manage.py enforce_retention`` runs them all."""

    def decorator(rule: Callable) -> Callable:
        _RETENTION.append((description, rule))
        return rule

    return decorator


def retention_rules() -> list[tuple[str, Callable]]:
    return list(_RETENTION)


def retention_days(name: str, default: int) -> int:
    return int(conf.get("RETENTION").get(name, default))


# --- Documentation generated from the inventory -----------------------------------------------

APP_SUMMARIES = {
    "lms": "Accounts: who you are, how you log in, your second factor and API token.",
    "cms": "Content pages and site settings; editors' names only as authors of pages.",
    "courses": 'Courses: enrolments, learning progress, quiz results, certificates and qualifications; live session registrations and attendance (with TANDEM_COURSES_LIVE_ATTENDANCE_MODE = "boolean" only whether a person attended: minutes and share are never stored and joins and leaves are deleted once the attendance is computed).',
    "mentoring": "Mentoring: applications, consent, matching, tandems, sessions, availability and feedback.",
    "video": "Video rooms: team meetings and counselling (time, host, invited guests' names, attendance), and the video server's join and leave events. Nothing of a meeting's content is recorded.",
    "knowledge": "Knowledge base: read confirmations of mandatory articles, reviews, responsible people.",
}


def markdown(app_label: str) -> str:
    """PRIVACY.md of one app: what it stores, who sees it, how long, how it is exported and erased."""
    with translation.override("en"):
        lines = [
            f"# Personal data in `{app_label}`",
            "",
            APP_SUMMARIES.get(app_label, ""),
            "",
            "Generated from the inventory in `privacy.py` by `python manage.py privacy_docs`; "
            "`tests/privacy/` fails when this file is out of date.",
            "",
            "Export: `/me/privacy/` gives a ZIP with every field marked *exported*. Erasure: after a "
            "cool-off (`TANDEM_ERASURE_COOL_OFF_DAYS`, default 14) `enforce_retention` deletes the rows "
            "marked *delete* and replaces the personal fields of rows marked *anonymise*; kept values "
            "identify nobody once the account is anonymised.",
            "",
        ]
        for record in records():
            owner = record.app or record.model_class._meta.app_label
            if owner not in APP_SUMMARIES:
                owner = "lms"  # Django's, allauth's and Wagtail's models: the site's accounts
            if owner != app_label or not (record.personal or record.actors or record.members):
                continue
            model = record.model_class
            whose = (
                ", ".join(record.subject)
                or (record.authored and f"{record.authored} (author only)")
                or "-"
            )
            label = f"`{record.model}`"
            if record.model == PAGE_MODEL:  # the same text whichever base page the site runs with
                label = "the site's base page model, `WAGTAIL_PAGE_MODEL`: by default `wagtailcore.Page`"
            lines += [
                f"## {str(model._meta.verbose_name_plural).capitalize()} ({label})",
                "",
                f"Whose: `{whose}` · on erasure: **{record.erase}**",
                "",
                "| field | what | purpose | kept | exported | on erasure |",
                "| --- | --- | --- | --- | --- | --- |",
            ]
            for name, spec in {**record.personal, **record.actors, **record.members}.items():
                if spec.erased is KEEP:
                    erased = "kept"
                elif callable(spec.erased):
                    erased = "replaced"
                else:
                    erased = (
                        f"`{spec.erased!r}`"
                        if name in record.personal or spec.erased is None
                        else "-"
                    )
                if record.erase == DELETE and name in record.personal:
                    erased = "deleted"
                if name in record.actors or name in record.members:
                    erased = "link removed"
                exported = spec.export and (name in record.personal or name in record.members)
                lines.append(
                    f"| `{name}` | {spec.what} | {spec.purpose} | {spec.retention} | "
                    f"{'yes' if exported else 'no'} | {erased} |"
                )
            lines.append("")
        rules = [
            description
            for description, _rule in retention_rules()
            if description.startswith(
                {"lms": "accounts", "courses": "courses", "mentoring": "mentoring"}.get(
                    app_label, "-"
                )
            )
        ]
        if rules:
            lines += ["## Retention rules (`python manage.py enforce_retention`)", ""]
            lines += [f"- {rule}" for rule in rules] + [""]
    return "\n".join(lines)


_declare_cms()
