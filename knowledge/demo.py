"""German demo data for the knowledge base: a public space with implementation guides, a
staff-only space run by its own Wiki-Team with a mandatory data-protection guideline and an
overdue article. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from . import services
from .models import KnowledgeArticlePage, KnowledgeSpacePage, Visibility


def _article(parent, *, title: str, slug: str, summary: str, body: list, **fields):
    existing = KnowledgeArticlePage.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    article = KnowledgeArticlePage(title=title, slug=slug, summary=summary, body=body, **fields)
    parent.add_child(instance=article)
    article.save_revision().publish()
    return KnowledgeArticlePage.objects.get(pk=article.pk)


def _space(home, *, slug: str, **kwargs) -> KnowledgeSpacePage:
    existing = KnowledgeSpacePage.objects.child_of(home).filter(slug=slug).first()
    if existing is not None:
        return existing
    return services.space_create(parent=home, slug=slug, **kwargs)


@transaction.atomic
def seed(*, home, wiki_team: list, staff: list, editor=None) -> list[KnowledgeSpacePage]:
    guides = _space(
        home,
        slug="arbeitshilfen",
        title="Arbeitshilfen für Multiplikator:innen",
        intro="Umsetzungshilfen und Praxisbeispiele des Bundesverbands für die Mitgliedsverbände.",
        visibility=Visibility.PUBLIC,
        managers=wiki_team[:1],
    )
    _article(
        guides,
        title="Digitale Beratung einführen",
        slug="digitale-beratung-einfuehren",
        summary="In fünf Schritten von der Idee zum ersten Beratungsgespräch per Video.",
        body=[
            ("heading", {"text": "Ausgangslage klären", "level": "h2"}),
            ("paragraph", "<p>Welche Ratsuchenden erreichen Sie heute nicht?</p>"),
            ("heading", {"text": "Plattform wählen", "level": "h2"}),
            (
                "callout",
                {
                    "kind": "tip",
                    "title": "Tipp",
                    "text": "<p>Lassen Sie die Wahl von der Datenschutzbeauftragten prüfen.</p>",
                },
            ),
            (
                "checklist",
                {
                    "title": "Vor dem Start",
                    "items": ["Einwilligung vorbereiten", "Testgespräch führen", "Team schulen"],
                },
            ),
        ],
        content_owner=wiki_team[0],
    )
    _article(
        guides,
        title="Praxisbeispiel: Wiki-Team gründen",
        slug="praxisbeispiel-wiki-team",
        summary="Wie ein Träger der Jugendhilfe seine Wissensplattform pflegt.",
        body=[
            (
                "paragraph",
                "<p>Ein Arbeitskreis „Wiki-Team“ entscheidet, wer was lesen und bearbeiten darf, "
                "und schult die Mitarbeitenden.</p>",
            ),
        ],
        content_owner=wiki_team[0],
    )

    internal = _space(
        home,
        slug="datenschutz-intern",
        title="Datenschutz (intern)",
        intro="Leitlinien und Verfahren für Mitarbeitende. Nur für Mitglieder.",
        visibility=Visibility.GROUPS,
        requires_approval=True,
        managers=wiki_team,
    )
    internal.readers_group.user_set.add(*staff)
    if editor is not None:
        internal.editors_group.user_set.add(editor)
    if len(wiki_team) > 1:
        internal.approvers_group.user_set.add(wiki_team[1])
    guideline = _article(
        internal,
        title="Datenschutzleitlinie",
        slug="datenschutzleitlinie",
        summary="Was alle Mitarbeitenden beim Umgang mit Daten von Ratsuchenden beachten.",
        body=[
            ("heading", {"text": "Grundsätze", "level": "h2"}),
            (
                "paragraph",
                "<p>Wir erheben nur, was wir für die Beratung brauchen, und löschen es "
                "fristgerecht.</p>",
            ),
            ("heading", {"text": "Löschfristen", "level": "h2"}),
            (
                "table",
                {
                    "data": [
                        ["Unterlage", "Frist"],
                        ["Beratungsnotizen", "3 Jahre"],
                        ["Terminanfragen", "6 Monate"],
                    ],
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                    "table_caption": "",
                },
            ),
        ],
        content_owner=wiki_team[0],
    )
    if not guideline.mandatory_for.exists():
        guideline.mandatory_for.set([internal.readers_group])
        guideline.minor_change = True  # making it mandatory asks nobody twice
        guideline.save_revision().publish()
    overdue = _article(
        internal,
        title="Videoberatung: Einwilligung",
        slug="videoberatung-einwilligung",
        summary="Vorlage und Ablauf der Einwilligung in die Videoberatung.",
        body=[("paragraph", "<p>Die Einwilligung wird vor dem ersten Gespräch eingeholt.</p>")],
        content_owner=wiki_team[-1],
    )
    KnowledgeArticlePage.objects.filter(pk=overdue.pk).update(
        last_reviewed_at=timezone.localdate() - timedelta(days=internal.review_interval_days + 30)
    )
    return [guides, internal]
