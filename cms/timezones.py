"""Time zones people can choose: the stored value is the IANA name ("Europe/Berlin"), the label is
readable in the active language and grouped by region, e.g. "Europa – Berlin (MEZ, UTC+1)", with
the zones most people here choose first.

The city names and abbreviations come from the Unicode CLDR (Babel); legacy aliases ("Asia/Calcutta"
beside "Asia/Kolkata", "US/…", "Etc/…") are left out so every place appears once. The UTC offset is
the one in force today, so the label says what the clock shows now.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import datetime
from functools import cache, lru_cache

from babel.core import get_global
from babel.dates import get_timezone_location, get_timezone_name
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

REGIONS = {
    "Europe": gettext_lazy("Europe"),
    "Africa": gettext_lazy("Africa"),
    "America": gettext_lazy("America"),
    "Asia": gettext_lazy("Asia"),
    "Atlantic": gettext_lazy("Atlantic"),
    "Australia": gettext_lazy("Australia"),
    "Indian": gettext_lazy("Indian Ocean"),
    "Pacific": gettext_lazy("Pacific"),
    "Arctic": gettext_lazy("Arctic"),
    "Antarctica": gettext_lazy("Antarctica"),
}

# Shown first: the German-speaking countries and the places many of the people here come from.
COMMON_ZONES = (
    "Europe/Berlin",
    "Europe/Vienna",
    "Europe/Zurich",
    "Europe/London",
    "Europe/Paris",
    "Europe/Rome",
    "Europe/Madrid",
    "Europe/Warsaw",
    "Europe/Bucharest",
    "Europe/Athens",
    "Europe/Kyiv",
    "Europe/Istanbul",
    "Europe/Moscow",
    "Asia/Damascus",
    "Asia/Kabul",
    "Asia/Tehran",
    "Africa/Cairo",
    "America/New_York",
)


@cache
def available_time_zones() -> frozenset[str]:
    """``zoneinfo.available_timezones()``, read once: it walks the time-zone database's folders on
    every call (milliseconds, more than the rest of a slots request)."""
    return frozenset(zoneinfo.available_timezones())


@cache
def _names() -> tuple[str, ...]:
    """The IANA names of places, one per place (CLDR aliases of an available name left out)."""
    aliases = get_global("zone_aliases")
    names = {name for name in available_time_zones() if name.split("/", 1)[0] in REGIONS}
    return tuple(
        sorted(
            name for name in names if not (aliases.get(name) in names and aliases.get(name) != name)
        )
    )


def _offset(zone: zoneinfo.ZoneInfo, moment: datetime) -> str:
    delta = moment.astimezone(zone).utcoffset()
    minutes = int(delta.total_seconds() // 60) if delta is not None else 0
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _locale(language: str) -> str:
    return language.split("-")[0] or "en"


def _city(name: str, language: str) -> str:
    try:
        return get_timezone_location(name, locale=_locale(language), return_city=True)
    except (LookupError, ValueError):
        return name.rsplit("/", 1)[-1].replace("_", " ")


def _abbreviation(name: str, language: str, moment: datetime) -> str:
    """ "MEZ", "MESZ", "GMT" where the language has a common short name, else ""."""
    try:
        short = get_timezone_name(
            moment.astimezone(zoneinfo.ZoneInfo(name)), "short", locale=_locale(language)
        )
    except (LookupError, ValueError):
        return ""
    return short if short.isalpha() and len(short) <= 5 else ""


def time_zone_label(name: str, *, moment: datetime | None = None) -> str:
    """ "Europa – Berlin (MEZ, UTC+1)" in the active language."""
    language = translation.get_language() or "en"
    moment = moment or timezone.now()
    region = str(REGIONS.get(name.split("/", 1)[0], name.split("/", 1)[0]))
    offset = _offset(zoneinfo.ZoneInfo(name), moment)
    short = _abbreviation(name, language, moment)
    when = f"{short}, {offset}" if short and short != offset else offset
    return f"{region} – {_city(name, language)} ({when})"


@lru_cache(maxsize=8)
def _choices(language: str, day: str) -> list[tuple[str, list[tuple[str, str]]]]:
    moment = timezone.now()
    with translation.override(language):
        names = _names()
        common = [name for name in COMMON_ZONES if name in names]
        groups: list[tuple[str, list[tuple[str, str]]]] = [
            (
                _("Frequently chosen"),
                [(name, time_zone_label(name, moment=moment)) for name in common],
            )
        ]
        for region, title in REGIONS.items():
            entries = [
                (name, time_zone_label(name, moment=moment))
                for name in names
                if name.split("/", 1)[0] == region and name not in common
            ]
            entries.sort(key=lambda entry: entry[1].casefold())
            if entries:
                groups.append((str(title), entries))
    return groups


def time_zone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The choices for a time-zone field, grouped (``<optgroup>``), in the active language."""
    language = translation.get_language() or "en"
    return _choices(language, timezone.now().date().isoformat())


@lru_cache(maxsize=8)
def _options_html(language: str, day: str) -> str:
    with translation.override(language):
        groups = _choices(language, day)
    return "".join(
        format_html(
            '<optgroup label="{}">{}</optgroup>',
            group,
            format_html_join("", '<option value="{}">{}</option>', entries),
        )
        for group, entries in groups
    )


def time_zone_options(selected: str) -> str:
    """The ``<optgroup>``/``<option>`` markup of ``time_zone_choices()`` with ``selected`` chosen:
    built once a day per language (a template loop over the 400 zones costs a page more than
    everything else on it)."""
    language = translation.get_language() or "en"
    html = _options_html(language, timezone.now().date().isoformat())
    chosen = format_html('<option value="{}"', selected)
    return mark_safe(html.replace(chosen + ">", chosen + " selected>", 1))  # noqa: S308 - escaped above


@lru_cache(maxsize=64)
def _short_options_html(language: str, day: str, extra: tuple[str, ...]) -> str:
    with translation.override(language):
        groups = _choices(language, day)
        labels = {name: label for _group, entries in groups for name, label in entries}
        frequent = [name for name, _label in groups[0][1]]
        names = [*frequent, *(name for name in extra if name in labels and name not in frequent)]
        return format_html(
            '<optgroup label="{}">{}</optgroup>',
            groups[0][0],
            format_html_join("", '<option value="{}">{}</option>', ((n, labels[n]) for n in names)),
        )


def short_time_zone_options(selected: str, *, also: Iterable[str] = ()) -> str:
    """Like ``time_zone_options``, but only the frequently chosen zones and those named (the one
    shown, the person's own, the other person's): a page that offers "all time zones" beside it
    stays small (the whole list is three quarters of the booking page)."""
    language = translation.get_language() or "en"
    extra = tuple(dict.fromkeys([selected, *also]))
    html = _short_options_html(language, timezone.now().date().isoformat(), extra)
    chosen = format_html('<option value="{}"', selected)
    return mark_safe(html.replace(chosen + ">", chosen + " selected>", 1))  # noqa: S308 - escaped above


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is one of the choices."""
    return name in _names()


def canonical_time_zone(name: str) -> str | None:
    """The choice a name stands for: itself, or for a legacy alias the place's current name
    ("Europe/Kiev" → "Europe/Kyiv", "Asia/Calcutta" → "Asia/Kolkata", "US/Eastern" →
    "America/New_York"), as older devices and browsers still report them; None if unknown."""
    name = (name or "").strip()
    if name in _names():
        return name
    alias = get_global("zone_aliases").get(name)
    return alias if alias in _names() else None


def time_zone_aliases(name: str) -> list[str]:
    """The legacy names that stand for ``name`` ("Europe/Kiev", "Europe/Uzhgorod" for
    "Europe/Kyiv"), so a page can tell that a device reporting one of them is in that zone."""
    return sorted(old for old, new in get_global("zone_aliases").items() if new == name)
