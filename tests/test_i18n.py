"""German first: every catalogue is complete, compiled, and in step with the source code."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE_CATALOGUES = [
    "locale",
    "cms/locale",
    "courses/locale",
    "mentoring/locale",
    "video/locale",
    "knowledge/locale",
]
GERMAN = [
    ROOT / path / "de/LC_MESSAGES/django.po" for path in [*SOURCE_CATALOGUES, "locale_overrides"]
]


def entries(po: polib.POFile):
    return [entry for entry in po if not entry.obsolete]


@pytest.mark.parametrize("path", GERMAN, ids=lambda p: str(p.relative_to(ROOT)))
def test_german_catalogue_is_complete(path):
    po = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in entries(po) if not entry.translated()]
    fuzzy = [entry.msgid for entry in entries(po) if "fuzzy" in entry.flags]
    assert not untranslated, f"Untranslated in {path}: {untranslated}"
    assert not fuzzy, f"Fuzzy in {path}: {fuzzy}"


@pytest.mark.parametrize(
    "path",
    GERMAN + [ROOT / p / "en/LC_MESSAGES/django.po" for p in SOURCE_CATALOGUES],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_compiled_catalogue_matches_source(path):
    mo_path = path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
    compiled = {
        (entry.msgctxt, entry.msgid): (entry.msgstr or entry.msgstr_plural)
        for entry in polib.mofile(str(mo_path))
    }
    for entry in entries(polib.pofile(str(path))):
        if not entry.translated():
            continue
        expected = entry.msgstr or entry.msgstr_plural
        assert compiled.get((entry.msgctxt, entry.msgid)) == expected, (
            f"{mo_path} is stale for {entry.msgid!r}: run `make messages`"
        )


def test_catalogues_contain_every_string_in_the_code(tmp_path):
    """Extract the messages afresh from a copy of the code: nothing may be missing."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("gettext is not installed")
        pytest.skip("gettext (xgettext) is not installed")
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "node_modules",
            "media",
            ".test-media*",  # also the swapped pass's, written meanwhile (.ci/run)
            ".hypothesis",
            ".topology*",
            "staticfiles",
            "*.sqlite3*",
            "__pycache__",
        ),
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test", "PYTHONPATH": str(copy)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run(
        [sys.executable, "manage.py", "messages", "--no-compile"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    for catalogue in SOURCE_CATALOGUES:
        fresh = {
            (e.msgctxt, e.msgid)
            for e in entries(polib.pofile(str(copy / catalogue / "de/LC_MESSAGES/django.po")))
        }
        committed = {
            (e.msgctxt, e.msgid)
            for e in entries(polib.pofile(str(ROOT / catalogue / "de/LC_MESSAGES/django.po")))
        }
        missing = sorted(msgid for _ctx, msgid in fresh - committed)
        assert not missing, (
            f"{catalogue}: strings not in the catalogue (run `make messages`): {missing}"
        )


# Informal address ("du") in German: pronouns and the imperatives third-party catalogues start
# their messages with. Tandem speaks "Sie"; locale_overrides/ replaces what Wagtail, DRF and allauth
# say informally.
INFORMAL = re.compile(
    r"\b(du|dein\w*|dich|dir)\b"
    r"|^(Bitte )?(Gib|Klicke|Wähle|Füge|Nutze|Lade|Melde|Bestätige|Stelle sicher|Prüfe|Lösche)\b"
    r"|\. (Gib|Nutze|Prüfe|Wähle)\b",
    re.IGNORECASE,
)
SERVED_SAMPLES = [
    # Django REST framework: field validation in every API answer
    "Ensure this field has no more than {max_length} characters.",
    "Ensure this field has at least {min_length} characters.",
    "Ensure this value is greater than or equal to {min_value}.",
    "Ensure this value is less than or equal to {max_value}.",
    "Datetime has wrong format. Use one of these formats instead: {format}.",
    "Enter a valid email address.",
    "Enter a valid URL.",
    "The submitted data was not a file. Check the encoding type on the form.",
    # Wagtail admin: what editors, trainers and programme managers read
    "Please add some alt text for your image or mark it as decorative",
    "Select a new parent page",
    "Choose who can view the live version of this page",
    "Delete %(snippet_type_name)s",
    "Uploading…",
    # allauth: login and account pages
    "Please type your current password.",
    "You have signed out.",
    "Your password has been changed.",
]


def test_served_german_messages_say_sie(settings):
    from django.utils import translation

    with translation.override("de"):
        informal = {
            msgid: translation.gettext(msgid)
            for msgid in SERVED_SAMPLES
            if INFORMAL.search(translation.gettext(msgid))
        }
    assert informal == {}


def test_the_override_catalogue_itself_says_sie():
    po = polib.pofile(str(ROOT / "locale_overrides/de/LC_MESSAGES/django.po"))
    informal = [entry.msgstr for entry in entries(po) if INFORMAL.search(entry.msgstr)]
    assert informal == []


def test_one_english_text_reads_the_same_in_every_german_catalogue():
    """Django merges the apps' catalogues; when two say different things for one text, which one a
    person reads depends on the order of INSTALLED_APPS (a cancelled form once said "Bitte geben
    Sie einen Grund an." instead of mentoring's own words). locale_overrides is meant to win."""
    seen: dict[tuple, tuple[str, str]] = {}
    differing = []
    for path in GERMAN:
        if "locale_overrides" in str(path):
            continue
        for entry in entries(polib.pofile(str(path))):
            if not entry.msgstr or "fuzzy" in entry.flags:
                continue
            key = (entry.msgctxt, entry.msgid)
            first = seen.setdefault(key, (entry.msgstr, str(path.relative_to(ROOT))))
            if first[0] != entry.msgstr:
                differing.append((entry.msgid, first, (entry.msgstr, str(path.relative_to(ROOT)))))
    assert not differing, differing
