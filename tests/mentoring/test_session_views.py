"""Sessions through the pages, the API and the endpoints the Jitsi server calls."""

import re
from datetime import UTC, datetime, time, timedelta
from html import unescape as html_unescape
from zoneinfo import ZoneInfo

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation
from rest_framework.test import APIClient

from mentoring.checks import jitsi_server_check
from mentoring.models import Session, SessionNote
from mentoring.sessions import selectors, services
from tests.factories import TOTP_SECRET, UserFactory
from tests.support.jitsi_standin import JitsiStandIn
from tests.support.prosody import prosody_verify

from .conftest import make_active_tandem

EVERY_DAY = [(day, "08:00", "20:00") for day in range(7)]
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def tandem(db):
    return make_active_tandem(windows=EVERY_DAY)


def free(tandem, index=0, *, length=60):
    now = timezone.now()
    found = selectors.tandem_slots(
        tandem=tandem, length=length, start=now, end=now + timedelta(days=14)
    ).slots
    return found[index]


def login(client, user):
    client.force_login(user)
    return client


def book_now(tandem, index=0):
    return services.session_book(
        tandem=tandem, start=free(tandem, index).start, length=60, by=tandem.mentee.user
    ).session


# --- Pages -------------------------------------------------------------------------------------


def test_booking_page_shows_slots_in_the_chosen_zone_and_books(client, tandem):
    login(client, tandem.mentee.user)
    slot = free(tandem)
    url = reverse("mentoring:book", args=[tandem.pk])
    page = client.get(url, {"tz": "America/New_York", "length": 60})
    assert page.status_code == 200
    new_york = slot.start.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M")
    assert f"> {new_york}</label>" in page.content.decode()
    assert 'value="America/New_York" selected' in page.content.decode()
    form = {"slot": slot.start.isoformat(), "length": 60, "key": "k-1", "tz": "America/New_York"}
    response = client.post(url, form)
    session = Session.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "mentoring:session", args=[session.uuid]
    )
    assert (
        client.post(url, form).status_code == 302
    )  # a double click with the same form books nothing more
    assert Session.objects.count() == 1


def test_the_booking_page_shows_a_month_with_its_free_days_and_the_chosen_days_times(
    client, tandem
):
    """As on Cal.com: the month's days with free times are links named by day and number of
    times; choosing one shows its times; the next month is a link away; an old zone name a
    device reports ("Europe/Kiev") shows the times in its place's current zone."""
    login(client, tandem.mentee.user)
    url = reverse("mentoring:book", args=[tandem.pk])
    slot = free(tandem, 0)
    first = slot.start.astimezone(BERLIN)
    day_slots = selectors.tandem_slots(
        tandem=tandem,
        length=60,
        start=datetime.combine(first.date(), time(0), tzinfo=BERLIN),
        end=datetime.combine(first.date() + timedelta(days=1), time(0), tzinfo=BERLIN),
    ).slots
    html = client.get(url, {"length": 60}).content.decode()
    with translation.override("de"):
        day_name = formats.date_format(first.date(), "MONTH_DAY_FORMAT")  # "3. Dezember"
    # Late in the day the first free day may have a single time left: "1 freie Zeit".
    times = "freie Zeit" if len(day_slots) == 1 else "freie Zeiten"
    assert f'aria-label="{day_name}, {len(day_slots)} {times}"' in html
    assert 'aria-current="true"' in html  # the first free day is chosen
    assert html.count('name="slot"') == len(day_slots)  # only that day's times
    assert "Nächster Monat" in html

    # Another day: its own times, and the link keeps length and zone.
    later = first.date() + timedelta(days=2)
    page = client.get(url, {"day": later.isoformat(), "month": later.isoformat()[:7], "length": 60})
    html = page.content.decode()
    assert f'value="{slot.start.isoformat()}"' not in html
    assert html.count('name="slot"') > 0

    # A legacy zone name is the current one's.
    html = client.get(url, {"tz": "Europe/Kiev"}).content.decode()
    assert 'value="Europe/Kyiv" selected' in html
    assert "Europe/Kiev" in html  # as an alias the page's script knows


def test_the_booking_page_offers_the_usual_time_zones_and_all_of_them_on_request(client, tandem):
    """The zone list names the frequently chosen zones, the person's own and the mentor's; the
    link beside it shows all zones, and a zone chosen there stays chosen and listed."""
    tandem.mentee.user.time_zone = "America/Sao_Paulo"
    tandem.mentee.user.save()
    tandem.mentor.user.mentor_schedule.time_zone = "Asia/Tokyo"
    tandem.mentor.user.mentor_schedule.save()
    login(client, tandem.mentee.user)
    url = reverse("mentoring:book", args=[tandem.pk])
    html = client.get(url).content.decode()
    listed = re.findall(
        r'<option value="([^"]+)"', html.split('id="tz"', 1)[1].split("</select>")[0]
    )
    assert {"Europe/Berlin", "Europe/Vienna", "America/Sao_Paulo", "Asia/Tokyo"} <= set(listed)
    assert "Pacific/Fiji" not in listed and len(listed) < 30
    assert 'value="America/Sao_Paulo" selected' in html  # the person's own zone is shown
    link = re.search(r'<a href="([^"]+)">Andere Zeitzone\? Alle Zeitzonen anzeigen</a>', html)
    assert link is not None

    everything = client.get(url + html_unescape(link.group(1)).split("#")[0]).content.decode()
    assert '<option value="Pacific/Fiji">' in everything
    assert '<input type="hidden" name="zones" value="all">' in everything
    assert "Alle Zeitzonen anzeigen" not in everything

    chosen = client.get(url, {"tz": "Pacific/Fiji"}).content.decode()
    assert 'value="Pacific/Fiji" selected' in chosen


def test_a_taken_slot_answers_409_with_the_next_free_times(client, tandem):
    slot = free(tandem)
    services.session_book(tandem=tandem, start=slot.start, length=60, by=tandem.mentor.user)
    login(client, tandem.mentee.user)
    response = client.post(
        reverse("mentoring:book", args=[tandem.pk]),
        {"slot": slot.start.isoformat(), "length": 60, "key": "k-2"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "nicht mehr frei" in body and "Noch frei" in body
    assert Session.objects.count() == 1


def test_a_slot_across_the_viewers_midnight_is_on_the_day_it_starts(client, db):
    # Sydney 09:30–10:30 (summer time, UTC+11) is 23:30–00:30 in Berlin (UTC+1).
    tandem = make_active_tandem(
        mentor_zone="Australia/Sydney", windows=[(day, "09:30", "10:30") for day in range(7)]
    )
    login(client, tandem.mentee.user)
    first_day = timezone.now().astimezone(BERLIN).date() + timedelta(days=2)
    last_evening = datetime.combine(first_day + timedelta(days=6), time(23, 30), tzinfo=BERLIN)
    offered = selectors.tandem_slots(
        tandem=tandem,
        length=60,
        start=last_evening - timedelta(hours=1),
        end=last_evening + timedelta(hours=2),
    ).slots
    assert [slot.start for slot in offered] == [last_evening]
    url = reverse("mentoring:book", args=[tandem.pk])
    shown = [
        client.get(url, {"day": day.isoformat(), "tz": "Europe/Berlin", "length": 60})
        .content.decode()
        .count(f'value="{last_evening.isoformat()}"')
        for day in (last_evening.date(), last_evening.date() + timedelta(days=1))
    ]
    assert shown == [1, 0]  # among the times of the day it starts, not the next one's


def test_times_in_the_repeated_autumn_hour_show_their_offset(client, db):
    tandem = make_active_tandem(mentor_zone="UTC", windows=[(6, "00:00", "02:00")])  # Sundays
    schedule = tandem.mentor.user.mentor_schedule
    schedule.own_rules, schedule.horizon_days, schedule.session_lengths = True, 365, [60]
    schedule.save()
    login(client, tandem.mentee.user)
    page = client.get(
        reverse("mentoring:book", args=[tandem.pk]),
        {"day": "2027-10-31", "tz": "Europe/Berlin", "length": 60},  # the clocks go back
    ).content.decode()
    # 00:00, 00:30 and 01:00 UTC: 02:00 and 02:30 summer time, then 02:00 again in winter time.
    assert "> 02:00 (UTC+2)</label>" in page
    assert "> 02:30 (UTC+2)</label>" in page
    assert "> 02:00 (UTC+1)</label>" in page
    assert "> 02:00</label>" not in page


def test_bad_slot_input_gets_a_message_not_an_error(client, tandem):
    login(client, tandem.mentee.user)
    response = client.post(
        reverse("mentoring:book", args=[tandem.pk]), {"slot": "morgen", "length": "x"}
    )
    assert (
        response.status_code == 400 and "Bitte wählen Sie eine Uhrzeit" in response.content.decode()
    )


def test_only_members_reach_the_booking_and_session_pages(client, tandem):
    session = book_now(tandem)
    assert (
        client.get(reverse("mentoring:book", args=[tandem.pk])).status_code == 302
    )  # to the login
    login(client, UserFactory())
    for url in (
        reverse("mentoring:book", args=[tandem.pk]),
        reverse("mentoring:session", args=[session.uuid]),
        reverse("mentoring:session-join", args=[session.uuid]),
    ):
        assert client.get(url).status_code == 404


def test_moving_needs_a_reason_and_keeps_what_was_chosen(client, tandem):
    session = book_now(tandem)
    target = free(tandem, 6)
    login(client, tandem.mentor.user)
    url = reverse("mentoring:book", args=[tandem.pk])
    response = client.post(
        url, {"slot": target.start.isoformat(), "length": 60, "move": session.uuid, "reason": ""}
    )
    assert response.status_code == 400 and "Grund" in response.content.decode()
    response = client.post(
        url,
        {
            "slot": target.start.isoformat(),
            "length": 60,
            "move": session.uuid,
            "reason": "Sitzung verschoben",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.start == target.start and session.sequence == 1


def test_session_page_keeps_notes_private_and_the_agenda_shared(client, tandem):
    session = book_now(tandem)
    url = reverse("mentoring:session", args=[session.uuid])
    login(client, tandem.mentor.user)
    client.post(url, {"form": "note", "text": "Nur für mich: Gehaltsfrage"})
    client.post(url, {"form": "agenda", "agenda": "1. Ziele 2. Netzwerk"})
    assert SessionNote.objects.get().author == tandem.mentor.user
    assert "Nur für mich" in client.get(url).content.decode()
    login(client, tandem.mentee.user)
    page = client.get(url).content.decode()
    assert "Nur für mich" not in page and "1. Ziele 2. Netzwerk" in page


def test_cancelling_without_reason_keeps_the_session(client, tandem):
    session = book_now(tandem)
    login(client, tandem.mentee.user)
    url = reverse("mentoring:session", args=[session.uuid])
    response = client.post(url, {"form": "cancel", "cancel-reason": ""})
    assert (
        response.status_code == 400 and "Bitte nennen Sie einen Grund." in response.content.decode()
    )
    session.refresh_from_db()
    assert session.status == "booked"
    client.post(url, {"form": "cancel", "cancel-reason": "Termin kollidiert"})
    session.refresh_from_db()
    assert session.status == "cancelled" and session.cancel_reason == "Termin kollidiert"


def test_join_page_before_the_window_says_when_it_opens(client, tandem):
    session = book_now(tandem)
    login(client, tandem.mentee.user)
    page = client.get(reverse("mentoring:session-join", args=[session.uuid])).content.decode()
    assert "Der Raum öffnet" in page and "jitsi-room" not in page


def start_now(session):
    start = timezone.now() + timedelta(minutes=5)
    Session.objects.filter(pk=session.pk).update(
        start=start,
        end=start + timedelta(hours=1),
        blocked_from=start,
        blocked_until=start + timedelta(hours=1),
    )
    session.refresh_from_db()
    return session


def test_join_page_without_a_server_says_how_to_configure(client, tandem, settings):
    """Issue 14: the mentee reads a plain message and a next step, never the operator's
    instructions; staff read how to configure the server."""
    session = start_now(book_now(tandem))
    settings.TANDEM_VIDEO_JITSI_DOMAIN = ""
    login(client, tandem.mentee.user)
    url = reverse("mentoring:session-join", args=[session.uuid])
    page = client.get(url).content.decode()
    assert "Der Videoraum ist noch nicht eingerichtet" in page and "Telefon" in page
    assert "JITSI" not in page and "jitsi_check" not in page and "Umgebungsvariablen" not in page
    operator = tandem.mentee.user
    operator.is_staff = True
    operator.save(update_fields=["is_staff"])
    TOTP.activate(operator, TOTP_SECRET)
    client.force_login(operator)
    page = client.get(url).content.decode()
    assert "JITSI_DOMAIN" in page and "Umgebungsvariablen" in page and "jitsi_check" in page


def test_join_page_gives_each_member_a_token_for_this_room_only(client, tandem, settings):
    session = start_now(book_now(tandem))
    with JitsiStandIn(app_id="tandem", app_secret="s" * 40) as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        login(client, tandem.mentor.user)
        page = client.get(reverse("mentoring:session-join", args=[session.uuid])).content.decode()
        token = page.split('data-jwt="')[1].split('"')[0]
        assert f'data-api="{server.base_url}/external_api.js"' in page
        assert f'data-room="{session.room_name}"' in page
        now = int(timezone.now().timestamp())
        claims = prosody_verify(
            token,
            app_id="tandem",
            app_secret="s" * 40,
            audiences={"jitsi"},
            room=session.room_name,
            domain=server.domain,
            now=now,
        )
        assert claims["context"]["user"]["moderator"] is True
        assert claims["context"]["user"]["id"] == services.participant_id(
            session, tandem.mentor.user_id
        )
        assert tandem.mentor.user.email not in token
        with pytest.raises(ValueError, match="room"):
            prosody_verify(
                token,
                app_id="tandem",
                app_secret="s" * 40,
                audiences={"jitsi"},
                room="anderer",
                domain=server.domain,
                now=now,
            )
        login(client, tandem.mentee.user)
        page = client.get(reverse("mentoring:session-join", args=[session.uuid])).content.decode()
        token = page.split('data-jwt="')[1].split('"')[0]
        claims = prosody_verify(
            token,
            app_id="tandem",
            app_secret="s" * 40,
            audiences={"jitsi"},
            room=session.room_name,
            domain=server.domain,
            now=now,
        )
        assert claims["context"]["user"]["moderator"] is False


def test_public_test_server_is_flagged_on_the_join_page(client, tandem, settings):
    session = start_now(book_now(tandem))
    settings.TANDEM_VIDEO_JITSI_DOMAIN = "meet.jit.si"
    settings.TANDEM_VIDEO_JITSI_APP_ID = "x"
    settings.TANDEM_VIDEO_JITSI_APP_SECRET = "y" * 40
    login(client, tandem.mentee.user)
    page = client.get(reverse("mentoring:session-join", args=[session.uuid])).content.decode()
    assert "öffentlicher Testserver" in page


def test_my_sessions_page_has_a_fixed_number_of_queries(client, tandem, django_assert_num_queries):
    login(client, tandem.mentee.user)
    book_now(tandem)
    # Warm the caches (site, settings): the first request sets their generation, the second
    # stores their values.
    client.get(reverse("mentoring:sessions"))
    client.get(reverse("mentoring:sessions"))
    with django_assert_num_queries(QUERIES_MY_SESSIONS):
        client.get(reverse("mentoring:sessions"))
    for index in (2, 4, 6):
        book_now(tandem, index)
    with django_assert_num_queries(QUERIES_MY_SESSIONS):
        assert client.get(reverse("mentoring:sessions")).status_code == 200


QUERIES_MY_SESSIONS = 7
# The session, the person, the tandem, the members' sessions: the mentor's schedule and calendar
# come from the availability cache (mentoring.sessions.availability_cache; 7 before).
QUERIES_BOOKING_PAGE = 3
# Once the members' sessions change, the next visit computes the free times again: one query more.
QUERIES_BOOKING_PAGE_AFTER_A_BOOKING = 4


def test_booking_page_has_a_fixed_number_of_queries(client, tandem, django_assert_num_queries):
    # The session, the person, the tandem: the mentor's schedule and calendar and the free times
    # come from the availability cache (mentoring.sessions.availability_cache; 7, then 4 before).
    login(client, tandem.mentee.user)
    url = reverse("mentoring:book", args=[tandem.pk])
    client.get(url)  # warm the caches (site, settings), as above
    client.get(url)
    with django_assert_num_queries(QUERIES_BOOKING_PAGE):
        client.get(url)
    for index in (2, 4, 6, 8):
        book_now(tandem, index)
    with django_assert_num_queries(QUERIES_BOOKING_PAGE_AFTER_A_BOOKING):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(QUERIES_BOOKING_PAGE):
        assert client.get(url).status_code == 200


def test_the_booking_page_shows_a_change_of_availability_at_once(client, tandem):
    """Free times come from a cache of the mentor's calendar: a change in the availability editor
    shows on the mentee's next visit, also the API's, and a booking made meanwhile at once."""
    mentee = login(Client(), tandem.mentee.user)
    mentor = login(client, tandem.mentor.user)
    page = reverse("mentoring:book", args=[tandem.pk])
    slots = f"/api/v1/tandems/{tandem.pk}/slots/"
    assert 'name="slot"' in mentee.get(page).content.decode()
    before = mentee.get(slots).json()["slots"]
    assert before
    taken = book_now(tandem, 0)
    assert taken.start.isoformat() not in {
        slot["start"] for slot in mentee.get(slots, {"tz": "UTC"}).json()["slots"]
    }

    # The mentor keeps only Tuesday evenings.
    form = {"form": "weekly", "d1_0_start": "18:00", "d1_0_end": "19:00"}
    assert mentor.post(reverse("mentoring:availability"), form).status_code == 302
    after = mentee.get(slots, {"tz": tandem.mentor.user.mentor_schedule.time_zone}).json()["slots"]
    assert after and len(after) < len(before)
    assert all(slot["start"][11:14] == "18:" for slot in after)


# --- Availability editor -----------------------------------------------------------------------


def test_availability_editor_for_mentors(client, tandem):
    url = reverse("mentoring:availability")
    login(client, tandem.mentee.user)
    assert client.get(url).status_code == 404
    login(client, tandem.mentor.user)
    assert client.get(url).status_code == 200
    form = {
        "form": "weekly",
        "d1_0_start": "09:00",
        "d1_0_end": "12:00",
        "d1_1_start": "11:00",
        "d1_1_end": "13:00",
    }
    response = client.post(url, form)
    assert response.status_code == 400 and 'value="11:00"' in response.content.decode()
    schedule = tandem.mentor.user.mentor_schedule
    assert len(selectors.weekly_windows(schedule)) == 7  # unchanged
    form.update(
        {"d1_1_start": "14:00", "d1_1_end": "18:00", "d3_0_start": "17:00", "d3_0_end": "19:30"}
    )
    assert client.post(url, form).status_code == 302
    assert [
        (w.weekday, w.start_time.strftime("%H:%M"), w.end_time.strftime("%H:%M"))
        for w in selectors.weekly_windows(schedule)
    ] == [(1, "09:00", "12:00"), (1, "14:00", "18:00"), (3, "17:00", "19:30")]
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert (
        client.post(
            url, {"form": "exception", "kind": "blocked", "date_from": tomorrow}
        ).status_code
        == 302
    )
    response = client.post(url, {"form": "exception", "kind": "available", "date_from": tomorrow})
    assert response.status_code == 400
    response = client.post(url, {"form": "settings", "time_zone": "Mars/Olympus"})
    assert response.status_code == 400


# --- API ---------------------------------------------------------------------------------------


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_slots_in_the_viewers_zone(tandem):
    response = api(tandem.mentee.user).get(
        f"/api/v1/tandems/{tandem.pk}/slots/", {"tz": "Asia/Tokyo", "length": 60}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["time_zone"] == "Asia/Tokyo" and body["mentor_time_zone"] == "Europe/Berlin"
    assert body["slots"][0]["start"].endswith("+09:00")
    assert datetime.fromisoformat(body["slots"][0]["start"]) == free(tandem).start
    assert (
        api(tandem.mentee.user)
        .get(f"/api/v1/tandems/{tandem.pk}/slots/", {"tz": "Nowhere"})
        .status_code
        == 422  # well formed, but no time zone: refused by rule
    )
    assert api(UserFactory()).get(f"/api/v1/tandems/{tandem.pk}/slots/").status_code == 404


def test_api_books_once_per_key_and_answers_409_with_alternatives(tandem):
    slot = free(tandem)
    client = api(tandem.mentee.user)
    payload = {"tandem": tandem.pk, "start": slot.start.isoformat(), "length": 60}
    first = client.post("/api/v1/sessions/", payload, format="json", HTTP_IDEMPOTENCY_KEY="abc")
    again = client.post("/api/v1/sessions/", payload, format="json", HTTP_IDEMPOTENCY_KEY="abc")
    assert (first.status_code, again.status_code) == (201, 200) and first.json()[
        "id"
    ] == again.json()["id"]
    conflict = api(tandem.mentor.user).post("/api/v1/sessions/", payload, format="json")
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "slot_unavailable" and conflict.json()["alternatives"]
    bad = client.post(
        "/api/v1/sessions/", {"tandem": tandem.pk, "start": "bald", "length": 60}, format="json"
    )
    assert bad.status_code == 400 and "start" in bad.json()["fields"]


def test_api_reschedule_cancel_join_token_and_calendar_token(tandem):
    session = book_now(tandem)
    client = api(tandem.mentor.user)
    target = free(tandem, 6)
    moved = client.post(
        f"/api/v1/sessions/{session.uuid}/reschedule/",
        {"start": target.start.isoformat(), "reason": "Reise"},
        format="json",
    )
    assert moved.status_code == 200 and moved.json()["sequence"] == 1
    assert datetime.fromisoformat(moved.json()["start"]) == target.start
    join = client.post(f"/api/v1/sessions/{session.uuid}/join-token/")
    assert join.status_code == 200 and join.json()["state"] == "early" and not join.json()["jwt"]
    no_reason = client.post(f"/api/v1/sessions/{session.uuid}/cancel/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    cancelled = client.post(
        f"/api/v1/sessions/{session.uuid}/cancel/", {"reason": "krank"}, format="json"
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert (
        api(UserFactory())
        .post(f"/api/v1/sessions/{session.uuid}/cancel/", {"reason": "x"})
        .status_code
        == 404
    )
    first = client.get("/api/v1/calendar-token/").json()["url"]
    rotated = client.post("/api/v1/calendar-token/").json()["url"]
    assert first != rotated and client.get("/api/v1/calendar-token/").json()["url"] == rotated


def test_api_session_list_has_a_fixed_number_of_queries(tandem, django_assert_num_queries):
    client = api(tandem.mentee.user)
    book_now(tandem)
    client.get("/api/v1/sessions/")
    with django_assert_num_queries(QUERIES_SESSION_LIST):
        client.get("/api/v1/sessions/")
    for index in (2, 4, 6):
        book_now(tandem, index)
    with django_assert_num_queries(QUERIES_SESSION_LIST):
        assert len(client.get("/api/v1/sessions/").json()["results"]) == 4


QUERIES_SESSION_LIST = 2


# --- Jitsi server endpoints --------------------------------------------------------------------


@pytest.fixture
def jitsi_api(settings):
    settings.TANDEM_VIDEO_JITSI_API_TOKEN = "prosody-secret"
    return {"HTTP_AUTHORIZATION": "Bearer prosody-secret"}


def reserve(client, room, headers):
    return client.post(
        reverse("mentoring:jitsi-reservation"),
        {
            "name": room,
            "start_time": "2027-01-01T10:00:00.000Z",
            "mail_owner": "abc@meet.example.org",
        },
        **headers,
    )


def test_reservation_admits_only_booked_rooms_inside_their_window(client, tandem, jitsi_api):
    session = book_now(tandem)
    early = reserve(client, session.room_name, jitsi_api)
    assert early.status_code == 403 and "10 Minuten vor" in early.json()["message"]
    session = start_now(session)
    admitted = reserve(client, session.room_name, jitsi_api)
    assert admitted.status_code == 200
    body = admitted.json()
    assert (
        body["name"] == session.room_name and body["max_occupants"] == 2 and body["lobby"] is True
    )
    closes = session.end + timedelta(minutes=15)
    started = datetime.strptime(body["start_time"], "%Y-%m-%dT%H:%M:%S.000Z").replace(tzinfo=UTC)
    assert abs((started + timedelta(seconds=body["duration"]) - closes).total_seconds()) <= 2
    assert reserve(client, "erfundenerraum", jitsi_api).status_code == 403
    assert (
        reserve(client, session.room_name, {"HTTP_AUTHORIZATION": "Bearer falsch"}).status_code
        == 401
    )
    assert (
        client.delete(
            reverse("mentoring:jitsi-reservation-delete", args=[body["id"]]), **jitsi_api
        ).status_code
        == 200
    )
    services.session_cancel(
        session=session, by=tandem.mentee.user, reason="x", now=timezone.now() - timedelta(days=2)
    )
    assert reserve(client, session.room_name, jitsi_api).status_code == 403


def test_jitsi_endpoints_are_off_without_a_token(client, tandem, settings):
    settings.TANDEM_VIDEO_JITSI_API_TOKEN = ""
    assert client.post(reverse("mentoring:jitsi-reservation"), {"name": "x"}).status_code == 404


def test_occupant_events_record_attendance(client, tandem, jitsi_api):
    session = start_now(book_now(tandem))
    occupant = {
        "id": services.participant_id(session, tandem.mentee.user_id),
        "name": "Lea",
        "occupant_jid": "x@meet/y",
        "joined_at": int(timezone.now().timestamp()),
    }
    url = reverse("mentoring:jitsi-occupant-event", args=["joined"])
    response = client.post(
        url,
        {"event_name": "muc-occupant-joined", "room_name": session.room_name, "occupant": occupant},
        content_type="application/json",
        **jitsi_api,
    )
    assert response.status_code == 200 and response.json() == {"recorded": True}
    session.refresh_from_db()
    assert session.mentee_joined_at is not None and session.mentor_joined_at is None
    stranger = dict(occupant, id="fremd")
    assert client.post(
        url,
        {"event_name": "muc-occupant-joined", "room_name": session.room_name, "occupant": stranger},
        content_type="application/json",
        **jitsi_api,
    ).json() == {"recorded": False}
    assert (
        client.post(url, "kein json", content_type="application/json", **jitsi_api).status_code
        == 400
    )


def test_production_refuses_sessions_without_a_jitsi_server(settings):
    settings.TANDEM_REQUIRE_PRODUCTION_SETTINGS = True
    settings.TANDEM_VIDEO_JITSI_DOMAIN = ""
    assert [error.id for error in jitsi_server_check(None)] == ["mentoring.E001"]
    settings.TANDEM_MENTORING_SESSIONS_ENABLED = False
    assert jitsi_server_check(None) == []
    settings.TANDEM_MENTORING_SESSIONS_ENABLED = True
    settings.TANDEM_VIDEO_JITSI_DOMAIN, settings.TANDEM_VIDEO_JITSI_APP_ID = (
        "meet.jit.si",
        "a",
    )
    settings.TANDEM_VIDEO_JITSI_APP_SECRET = "b" * 40
    assert [error.id for error in jitsi_server_check(None)] == ["mentoring.W001"]


def test_reminder_command_is_quiet_without_sessions(db, capsys):
    call_command("session_reminders")
    assert "0" in capsys.readouterr().out


def test_garbage_in_the_booking_page_parameters_is_not_an_error(client, tandem):
    login(client, tandem.mentee.user)
    url = reverse("mentoring:book", args=[tandem.pk])
    assert client.get(url, {"move": "kein-uuid"}).status_code == 404
    assert (
        client.get(url, {"from": "gestern", "length": "lang", "tz": "Mond/Krater"}).status_code
        == 200
    )
    response = client.post(url, {"slot": "2027-13-45T99:00", "length": "-5", "key": "x" * 500})
    assert response.status_code == 400


# --- Dates in the person's language -----------------------------------------------------------


def in_language(language: str, moment, *, weekday: str = "", with_time: bool = True) -> str:
    """A moment as the pages should print it in ``language``: only the language's own formats
    (weekday name, DATE_FORMAT, TIME_FORMAT), never a pattern written for German."""
    local = timezone.localtime(moment, BERLIN) if isinstance(moment, datetime) else moment
    with translation.override(language):
        parts = [formats.date_format(local, weekday)] if weekday else []
        parts.append(formats.date_format(local, "DATE_FORMAT"))
        if with_time:
            parts.append(formats.time_format(local, "TIME_FORMAT"))
    return ", ".join(parts)


@pytest.mark.parametrize("language", ["de", "en"])
def test_session_list_history_and_availability_show_dates_in_the_persons_language(
    client, tandem, language
):
    """An English-speaking mentor reads "Thu, Dec. 3, 2026, 2 p.m.", a German one
    "Do, 3. Dezember 2026, 14:00": the session table, the session's history and the availability
    exceptions follow the language, not a pattern written for German ("Thu, 3. Dec. 2026")."""
    mentor = tandem.mentor.user
    mentor.language, mentor.time_zone = language, "Europe/Berlin"
    mentor.save(update_fields=["language", "time_zone"])
    session = book_now(tandem)
    old_start = session.start
    session = services.session_reschedule(
        session=session, start=free(tandem, 6).start, by=mentor, reason="Vorstandssitzung"
    )
    day = timezone.localdate() + timedelta(days=3)
    services.availability_add_exception(
        schedule=services.schedule_get_or_create(user=mentor), kind="blocked", date_from=day
    )
    login(client, mentor)

    table = client.get(reverse("mentoring:sessions")).content.decode()
    with translation.override(language):
        until = formats.time_format(timezone.localtime(session.end, BERLIN), "TIME_FORMAT")
    assert f">{in_language(language, session.start, weekday='D')}</time>–{until}</td>" in table

    history = client.get(reverse("mentoring:session", args=[session.uuid])).content.decode()
    with translation.override(language):
        moved = translation.gettext("from %(old)s to %(new)s") % {
            "old": in_language(language, old_start),
            "new": in_language(language, session.start),
        }
    assert moved in history

    availability = client.get(reverse("mentoring:availability")).content.decode()
    assert in_language(language, day, weekday="D", with_time=False) in availability
