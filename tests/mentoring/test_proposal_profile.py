"""Deciding on a proposed tandem with the partner's profile (role, answers, the text she chose
to share) and the reason for the match; two proposals give two buttons with distinct names."""

import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from mentoring import services
from mentoring.models import Tandem
from tests.factories import UserFactory

from .conftest import apply
from .test_views import programme_page  # noqa: F401 (the fixture)


def buttons(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", b).strip()
        for b in re.findall(r"<button[^>]*>(.*?)</button>", html, re.S)
    ]


def test_a_mentor_with_two_proposals_decides_knowing_whom(client, programme):
    mentor = apply(programme, "mentor", "KV Süd", ["Führung", "Personal"], capacity=2)
    apply(
        programme,
        "mentee",
        "KV Nord",
        ["Führung"],
        user=UserFactory(first_name="Anna", last_name="Acker"),
    )
    second = apply(
        programme,
        "mentee",
        "KV Ost",
        ["Personal"],
        user=UserFactory(first_name="Berta", last_name="Busch"),
    )
    second.shared_profile = "Leite seit einem Jahr eine Kita mit zwölf Mitarbeitenden."
    second.save()
    services.matching_publish(run=services.matching_run(programme=programme))
    assert Tandem.objects.filter(mentor=mentor).count() == 2
    client.force_login(mentor.user)
    html = client.get(reverse("mentoring:mine")).content.decode()
    names = buttons(html)
    assert "Vorschlag mit Anna Acker annehmen" in names
    assert "Vorschlag mit Berta Busch annehmen" in names
    assert "Annehmen" not in names
    cards = html.split('<li class="card">')[1:]
    (berta,) = [card for card in cards if "Berta Busch" in card]
    (anna,) = [card for card in cards if "Anna Acker" in card]
    assert "Leite seit einem Jahr eine Kita" in berta  # the text she chose to share
    assert "Mentee" in berta and "KV Ost" in berta  # role and her answers
    assert "Warum dieses Paar vorgeschlagen wurde" in berta
    assert "Gemeinsam: Personal" in berta  # the reason of the match
    assert (
        "In eigenen Worten" in berta and "In eigenen Worten" not in anna
    )  # Anna shared no text: nothing invented


def test_the_application_form_offers_the_shared_text_and_stores_it(client, programme_page):  # noqa: F811
    programme = programme_page.programme
    user = UserFactory()
    client.force_login(user)
    url = reverse("mentoring:apply", args=[programme_page.pk, "mentee"])
    page = client.get(url).content.decode()
    assert 'name="shared_profile"' in page
    client.post(
        url,
        {
            "c_organisation": "KV Nord",
            "c_topics": ["Führung"],
            "c_languages": ["Deutsch"],
            "shared_profile": "  Teamleitung im Ehrenamt.  ",
            "consent": "on",
        },
    )
    assert programme.applications.get(user=user).shared_profile == "Teamleitung im Ehrenamt."


def test_the_api_gives_a_member_the_same_profile_as_the_page(programme, tmp_path):
    """An app deciding through the API sees what the page shows: the partner's role, her
    answers (organisation, topics), the text she chose to share and why the pair was proposed;
    once decided, and for anyone else, nothing of it."""
    mentor = apply(programme, "mentor", "KV Süd", ["Personal"], capacity=1)
    mentor.shared_profile = "Leite seit zehn Jahren die Personalabteilung."
    mentor.save()
    mentee = apply(programme, "mentee", "KV Ost", ["Personal"])
    services.matching_publish(run=services.matching_run(programme=programme))
    tandem = Tandem.objects.get(mentor=mentor)

    client = APIClient()
    client.force_authenticate(mentee.user)
    (row,) = client.get("/api/v1/tandems/", HTTP_ACCEPT_LANGUAGE="de").json()["results"]
    partner = row["partner"]
    assert partner["name"] == mentor.user.get_full_name()
    assert partner["role"] == "Mentor:in"
    answers = {item["answer"] for item in partner["answers"]}
    assert {"KV Süd", "Personal"} <= answers
    assert partner["text"] == "Leite seit zehn Jahren die Personalabteilung."
    assert "Gemeinsam: Personal" in [item["reason"] for item in partner["reasons"]]
    assert isinstance(partner["fit"], int)

    # The mentor sees the mentee's profile; she shared no text, so none is invented.
    client.force_authenticate(mentor.user)
    detail = client.get(f"/api/v1/tandems/{tandem.pk}/").json()["partner"]
    assert detail["name"] == mentee.user.get_full_name() and detail["text"] == ""

    # Answering returns the tandem; once both have agreed, the profile is no longer sent.
    client.post(f"/api/v1/tandems/{tandem.pk}/answer/", {"accept": True}, format="json")
    client.force_authenticate(mentee.user)
    answered = client.post(f"/api/v1/tandems/{tandem.pk}/answer/", {"accept": True}, format="json")
    assert answered.status_code == 200 and answered.json()["status"] == "active"
    assert answered.json()["partner"] is None

    # The schema states it.
    target = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(target))
    components = json.loads(target.read_text())["components"]["schemas"]
    assert "partner" in components["Tandem"]["properties"]
    profile = components["PartnerProfile"]["properties"]
    assert {"name", "role", "answers", "text", "reasons", "fit"} <= set(profile)


def test_withdrawing_an_application_asks_first_and_says_what_follows(client, programme):
    """No one-click withdrawal: the link opens a page that names the programme and what
    withdrawing does (no further tandem, consent revoked, applying again possible); only its
    button withdraws."""
    application = apply(programme, "mentee", "KV Nord", ["Führung"])
    client.force_login(application.user)
    mine = client.get(reverse("mentoring:mine")).content.decode()
    url = reverse("mentoring:withdraw", args=[application.pk])
    assert f'<a href="{url}">Bewerbung zurückziehen</a>' in mine
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "<title>Bewerbung zurückziehen?" in html
    assert programme.title in html and "Einwilligung" in html and "erneut bewerben" in html
    application.refresh_from_db()
    assert application.status != "withdrawn"  # asking changed nothing
    response = client.post(url)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_programme_dates_must_follow_one_another(programme):
    """Applications, then the matching, then the programme: a programme that starts before its
    application deadline is refused with a message at the date concerned."""
    programme.full_clean()  # the fixture's dates are in order
    programme.starts_on = programme.matching_on - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert error.value.message_dict["starts_on"] == ["Das Programm beginnt nach dem Matching."]
    programme.starts_on = programme.matching_on
    programme.matching_on = timezone.localdate(programme.applications_close) - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert "matching_on" in error.value.message_dict
