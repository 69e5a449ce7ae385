"""A tandem's free times are kept in the shared cache (Redis, as in production) for the booking page
and the slots API, and are always the ones computed afresh: at every moment (the minimum notice and
the horizon move on while they are kept), after a booking with the same mentor in another tandem,
and after the programme's rules change. Without a reachable cache they are computed."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Tandem
from mentoring.sessions import selectors, services
from tests.conftest import production_cache

from .conftest import apply, make_active_tandem

pytestmark = pytest.mark.django_db

EVERY_DAY = [(day, "08:00", "20:00") for day in range(7)]


@pytest.fixture(autouse=True)
def shared_cache(settings):
    """The production cache backend on the machine's Redis (a database of its own, emptied)."""
    with production_cache(settings, 13) as connection:
        yield connection


@pytest.fixture
def tandem(db):
    tandem = make_active_tandem(windows=EVERY_DAY)
    # A short horizon, so that the far end moves into the weeks the page shows.
    tandem.programme.horizon_days = 10
    tandem.programme.min_notice_hours = 24
    tandem.programme.save()
    return Tandem.objects.select_related("programme", "mentor__user", "mentee__user").get(
        pk=tandem.pk
    )


def slots_at(tandem, now, *, cached, start, end):
    return selectors.tandem_slots(
        tandem=tandem, length=60, start=start, end=end, now=now, cached=cached
    ).slots


def test_kept_free_times_are_those_computed_afresh_at_every_moment(tandem):
    """Moments 97 s apart over three hours: the earliest and the last bookable slot move on while
    the kept slots serve several moments of each period. The three hours lie inside the mentor's
    times (08:00–20:00 in Berlin), so that both ends move: in the evening they would stand still
    (a failure in CI at 19:10 Berlin time)."""
    berlin = ZoneInfo("Europe/Berlin")
    tomorrow = timezone.now().astimezone(berlin).date() + timedelta(days=1)
    origin = datetime.combine(tomorrow, time(9, 0), tzinfo=berlin)
    start, end = origin - timedelta(days=1), origin + timedelta(days=35)
    seen = set()
    for step in range(0, 3 * 3600, 97):
        now = origin + timedelta(seconds=step)
        kept = slots_at(tandem, now, cached=True, start=start, end=end)
        fresh = slots_at(tandem, now, cached=False, start=start, end=end)
        assert kept == fresh, now
        assert kept[0].start >= now + timedelta(hours=24)
        assert kept[-1].end <= now + timedelta(days=10)
        seen.add((kept[0].start, kept[-1].end))
    assert len(seen) > 3  # the bounds did move during the test


def test_a_booking_with_the_same_mentor_in_another_tandem_shows_at_once(tandem):
    other_mentee = apply(tandem.programme, "mentee", "KV Ost", ["Führung"])
    other = Tandem.objects.create(
        programme=tandem.programme,
        mentor=tandem.mentor,
        mentee=other_mentee,
        status=Tandem.Status.ACTIVE,
        mentee_response="accepted",
        mentor_response="accepted",
        started_at=timezone.now(),
    )
    mentee = Client()
    mentee.force_login(tandem.mentee.user)
    api = f"/api/v1/tandems/{tandem.pk}/slots/"
    before = [slot["start"] for slot in mentee.get(api, {"tz": "UTC"}).json()["slots"]]
    assert before == [slot["start"] for slot in mentee.get(api, {"tz": "UTC"}).json()["slots"]]
    now = timezone.now()
    wanted = selectors.tandem_slots(
        tandem=other, length=60, start=now, end=now + timedelta(days=9)
    ).slots[3]
    services.session_book(tandem=other, start=wanted.start, length=60, by=other_mentee.user)

    after = [slot["start"] for slot in mentee.get(api, {"tz": "UTC"}).json()["slots"]]
    assert wanted.start.isoformat() in before and wanted.start.isoformat() not in after
    assert len(after) < len(before)
    day = {"tz": "UTC", "day": wanted.start.date().isoformat()}
    page = mentee.get(reverse("mentoring:book", args=[tandem.pk]), day).content.decode()
    assert 'name="slot"' in page and f'value="{wanted.start.isoformat()}"' not in page


def test_a_change_of_the_programme_rules_shows_at_once(tandem):
    now = timezone.now()
    start, end = now, now + timedelta(days=30)
    assert slots_at(tandem, now, cached=True, start=start, end=end)[-1].end > now + timedelta(
        days=9
    )
    tandem.programme.horizon_days = 3
    tandem.programme.save()
    tandem.refresh_from_db()
    kept = slots_at(tandem, now, cached=True, start=start, end=end)
    assert kept and kept[-1].end <= now + timedelta(days=3)
    assert kept == slots_at(tandem, now, cached=False, start=start, end=end)


def test_without_a_reachable_cache_free_times_are_computed(tandem, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "lms.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # a closed local port
        }
    }
    now = timezone.now()
    start, end = now, now + timedelta(days=30)
    kept = slots_at(tandem, now, cached=True, start=start, end=end)
    assert kept and kept == slots_at(tandem, now, cached=False, start=start, end=end)
