"""Deciding on a proposed tandem with the partner's profile (role, answers, the text she chose
to share) and the reason for the match; two proposals give two buttons with distinct names."""

import re

from django.urls import reverse

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
