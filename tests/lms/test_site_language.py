"""Titles, words and language on the site's own and allauth's pages: every account page names
itself in <title>, the login button is a verb, German content is marked German in the English
interface, the privacy page names purposes in words, dates follow the language, time zones read
as places, and Wagtail's workflow buttons are German."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Task, Workflow

from cms.timezones import time_zone_choices, time_zone_label
from tests.factories import UserFactory
from tests.mentoring.conftest import apply, make_programme

pytestmark = pytest.mark.django_db
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def title_of(response) -> str:
    return " ".join(TITLE.search(response.content.decode()).group(1).split())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("account_login", "Anmelden"),
        ("account_signup", "Registrieren"),
        ("account_reset_password", "Passwort zurücksetzen"),
        ("account_reset_password_done", "Passwort zurücksetzen"),
        ("account_email_verification_sent", "Bestätigen Sie Ihre E-Mail-Adresse"),
    ],
)
def test_account_pages_name_themselves_in_the_title(client, site_settings, name, expected):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert title_of(response) == f"{expected} – Testverband e. V."


def test_the_login_button_is_a_verb(client, site_settings):
    html = client.get(reverse("account_login")).content.decode()
    buttons = re.findall(r'<button[^>]*type="submit"[^>]*>\s*(.*?)\s*</button>', html, re.S)
    assert "Anmelden" in buttons and "Anmeldung" not in html


def test_the_new_password_page_has_a_title(client, site_settings):
    response = client.get("/accounts/password/reset/key/1-invalid/")
    assert title_of(response).split(" – ")[0].strip()


def test_german_content_is_marked_german_in_the_english_interface(client, content_page):
    client.cookies["tandem_language"] = "en"
    html = client.get(content_page.url).content.decode()
    assert '<html lang="en">' in html
    assert '<article lang="de">' in html
    html = client.get("/").content.decode()
    assert '<div lang="de">' in html


def test_privacy_page_names_the_purpose_and_dates_follow_the_language(client, home_page):
    user = UserFactory(language="en")
    apply(make_programme(), "mentee", "KV Süd", ["Führung"], user=user)
    client.force_login(user)
    html = client.get(reverse("me-privacy")).content.decode()
    assert "mentoring-programme:" not in html
    assert "Mentoring programme “Mentoring für weibliche Führungskräfte”" in html
    assert re.search(r"<td>\d{2}/\d{2}/\d{4} \d", html), "English short date expected"
    user.language = "de"
    user.save()
    html = client.get(reverse("me-privacy")).content.decode()
    assert "Mentoring-Programm „Mentoring für weibliche Führungskräfte“" in html
    assert re.search(r"<td>\d{2}\.\d{2}\.\d{4} \d", html), "German short date expected"


def test_wagtail_workflow_buttons_are_german():
    assert not Workflow.objects.filter(name="Moderators approval").exists()
    assert not Task.objects.filter(name="Moderators approval").exists()
    with translation.override("de"):
        label = translation.gettext("Submit to %(workflow_name)s") % {
            "workflow_name": "Redaktionelle Freigabe"
        }
    assert label == "Einreichen: Redaktionelle Freigabe"


WINTER = datetime(2027, 1, 15, 12, tzinfo=UTC)
SUMMER = datetime(2027, 7, 15, 12, tzinfo=UTC)


def test_time_zones_read_as_places_in_german():
    with translation.override("de"):
        assert time_zone_label("Europe/Berlin", moment=WINTER) == "Europa – Berlin (MEZ, UTC+1)"
        assert time_zone_label("Europe/Berlin", moment=SUMMER) == "Europa – Berlin (MESZ, UTC+2)"
        assert time_zone_label("Europe/Vienna", moment=WINTER) == "Europa – Wien (MEZ, UTC+1)"
        assert time_zone_label("America/New_York", moment=WINTER) == "Amerika – New York (UTC−5)"
        assert time_zone_label("Asia/Kolkata", moment=WINTER) == "Asien – Kalkutta (UTC+5:30)"
        groups = time_zone_choices()
    titles = [title for title, _entries in groups]
    assert titles[:3] == ["Häufig gewählt", "Europa", "Afrika"]
    common = [value for value, _label in groups[0][1]]
    assert common[:3] == ["Europe/Berlin", "Europe/Vienna", "Europe/Zurich"]
    values = [value for _title, entries in groups for value, _label in entries]
    assert len(values) == len(set(values)) < 450  # every place once, no legacy aliases
    assert "Asia/Calcutta" not in values and "US/Eastern" not in values


def test_profile_offers_grouped_readable_zones_and_stores_iana(client, user, home_page):
    client.force_login(user)
    html = client.get(reverse("me-profile")).content.decode()
    assert '<optgroup label="Häufig gewählt">' in html
    assert re.search(r'<option value="Europe/Berlin"[^>]*>Europa – Berlin \(', html)
    response = client.post(
        reverse("me-profile"),
        {"first_name": "A", "last_name": "B", "language": "de", "time_zone": "Europe/Vienna"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.time_zone == "Europe/Vienna"


def test_required_fields_are_marked_for_eyes_and_screen_readers(client, site_settings):
    html = client.get(reverse("account_signup")).content.decode()
    label = re.search(r'<label for="id_first_name"[^>]*>(.*?)</label>', html, re.S).group(1)
    assert '<span class="required-marker" aria-hidden="true"> *</span>' in label
    assert '<span class="visually-hidden"> (Pflichtfeld)</span>' in label
