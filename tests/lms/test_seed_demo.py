from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import Site

from cms.models import ContentPage, HomePage, NavigationItem, SiteSettings
from cms.pages import get_base_page_model
from lms.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "pages": get_base_page_model().objects.count(),
        "users": get_user_model().objects.count(),
        "emails": EmailAddress.objects.count(),
        "navigation": NavigationItem.objects.count(),
        "settings": SiteSettings.objects.count(),
        "sites": Site.objects.count(),
    }


def test_seed_demo_is_idempotent_and_complete(client, settings, tmp_path):
    settings.DEBUG = True
    settings.TANDEM_COURSES_PRIVATE_MEDIA_ROOT = tmp_path
    from django.utils.functional import empty

    from courses.storage import private_storage

    private_storage._wrapped = empty
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert counts() == first
    emails = set(get_user_model().objects.values_list("email", flat=True))
    assert {account.email for account in DEMO_ACCOUNTS} <= emails

    from courses.models import Certificate, CoursePage, LearningVideo
    from mentoring.models import Application, MatchingRun, Tandem

    assert (
        CoursePage.objects.count() == 2 and LearningVideo.objects.get().caption_tracks.count() == 3
    )
    assert Certificate.objects.filter(user__email="lernende@musterverband.example").exists()
    from django.utils import timezone

    from courses.models import LiveSession

    live = LiveSession.objects.filter(run__course__slug="datenschutz-im-ehrenamt")
    # Two live sessions (one starting soon after `make run`) and a World Café workshop.
    assert live.count() == 3
    assert live.filter(workshop__isnull=False).count() == 1
    assert live.filter(start__lte=timezone.now() + timedelta(minutes=15)).count() == 1
    assert live.filter(registrations__user__email="teilnehmerin@musterverband.example").count() >= 2
    assert Application.objects.filter(role="mentee").count() == 12
    assert Application.objects.filter(role="mentor").count() == 6
    assert MatchingRun.objects.filter(status="published").count() == 1
    assert set(Tandem.objects.values_list("status", flat=True)) >= {"active", "proposed"}

    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert set(ContentPage.objects.values_list("slug", flat=True)) >= {
        "ueber-uns",
        "datenschutz",
        "impressum",
    }
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Musterverband" in html and "Datenschutzhinweise" in html and "Impressum" in html

    for account in DEMO_ACCOUNTS:
        assert client.login(username=account.email, password=DEMO_PASSWORD), account.email
        client.logout()
    editor = get_user_model().objects.get(email="redaktion@musterverband.example")
    assert editor.has_perm("wagtailadmin.access_admin")
    learner = get_user_model().objects.get(email="lernende@musterverband.example")
    assert not learner.has_perm("wagtailadmin.access_admin")


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
