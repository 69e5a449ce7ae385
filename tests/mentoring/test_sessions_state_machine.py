"""Random sequences of booking, moving and cancelling by either member, over tandems that share a
mentor and a mentee, never leave two active sessions of one person overlapping (buffers included)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from mentoring.models import Session, Tandem
from mentoring.sessions import services

from .conftest import apply, make_active_tandem, make_programme

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2027, 5, 3, 6, 0, tzinfo=BERLIN)
starts = st.builds(
    lambda day, half_hours: (
        datetime(2027, 5, day, 8, 0, tzinfo=BERLIN) + timedelta(minutes=30 * half_hours)
    ),
    st.integers(4, 5),
    st.integers(0, 18),
)


def three_tandems():
    """Mentor M with mentees A and B; mentee A also has mentor N in a second programme."""
    first = make_active_tandem()
    programme = first.programme
    programme.max_per_day, programme.max_per_week, programme.buffer_before = 20, 50, 10
    programme.save()
    mentee_b = apply(programme, "mentee", "KV Ost", ["Führung"])
    second = Tandem.objects.create(
        programme=programme,
        mentor=first.mentor,
        mentee=mentee_b,
        status="active",
        mentee_response="accepted",
        mentor_response="accepted",
    )
    other_programme = make_programme(slug="zweites")
    other_programme.max_per_day, other_programme.max_per_week = 20, 50
    other_programme.save()
    third = make_active_tandem(other_programme)
    mentee_a_again = apply(other_programme, "mentee", "KV Süd", ["Führung"], user=first.mentee.user)
    Tandem.objects.filter(pk=third.pk).update(mentee=mentee_a_again)
    related = ("programme", "mentor__user", "mentee__user")
    return [
        Tandem.objects.select_related(*related).get(pk=pk) for pk in (first.pk, second.pk, third.pk)
    ]


class Booking(RuleBasedStateMachine):
    tandems: list = []
    outcomes = {"booked": 0, "refused": 0, "moved": 0}

    def __init__(self):
        super().__init__()
        Session.objects.all().delete()

    def _member(self, tandem, mentor_side: bool):
        return tandem.mentor.user if mentor_side else tandem.mentee.user

    def _some_session(self, index: int):
        sessions = list(Session.objects.order_by("pk"))
        return sessions[index % len(sessions)] if sessions else None

    @rule(
        which=st.integers(0, 2),
        start=starts,
        length=st.sampled_from([30, 45, 60]),
        mentor_side=st.booleans(),
    )
    def book(self, which, start, length, mentor_side):
        tandem = self.tandems[which]
        try:
            services.session_book(
                tandem=tandem,
                start=start,
                length=length,
                by=self._member(tandem, mentor_side),
                now=NOW,
            )
            self.outcomes["booked"] += 1
        except services.SessionError as error:
            assert error.code in {"slot_unavailable", "length_not_offered"}
            self.outcomes["refused"] += 1

    @rule(index=st.integers(0, 50), start=starts, mentor_side=st.booleans())
    def move(self, index, start, mentor_side):
        session = self._some_session(index)
        if session is None:
            return
        tandem = next(t for t in self.tandems if t.pk == session.tandem_id)
        try:
            services.session_reschedule(
                session=session,
                start=start,
                by=self._member(tandem, mentor_side),
                reason="verschoben",
                now=NOW,
            )
            self.outcomes["moved"] += 1
        except services.SessionError as error:
            assert error.code in {"slot_unavailable", "cancelled"}

    @rule(index=st.integers(0, 50), mentor_side=st.booleans())
    def cancel(self, index, mentor_side):
        session = self._some_session(index)
        if session is None:
            return
        tandem = next(t for t in self.tandems if t.pk == session.tandem_id)
        try:
            services.session_cancel(
                session=session, by=self._member(tandem, mentor_side), reason="abgesagt", now=NOW
            )
        except services.SessionError as error:
            assert error.code == "cancelled"

    @invariant()
    def nobody_is_booked_twice_at_once(self):
        active = list(Session.objects.filter(status__in=Session.ACTIVE))
        for person in ("mentor_id", "mentee_id"):
            by_person: dict[int, list[Session]] = {}
            for session in active:
                by_person.setdefault(getattr(session, person), []).append(session)
            for sessions in by_person.values():
                sessions.sort(key=lambda s: s.blocked_from)
                for earlier, later in zip(sessions, sessions[1:], strict=False):
                    assert earlier.blocked_until <= later.blocked_from, (earlier, later)
        for session in active:
            assert session.blocked_from <= session.start < session.end <= session.blocked_until


@pytest.mark.django_db
def test_random_booking_sequences_never_overlap():
    Booking.tandems = three_tandems()
    Booking.outcomes = {"booked": 0, "refused": 0, "moved": 0}
    run_state_machine_as_test(
        Booking,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # the invariant is only meaningful if the sequences really booked and collided
    assert (
        Booking.outcomes["booked"] > 20
        and Booking.outcomes["refused"] > 5
        and Booking.outcomes["moved"] > 0
    )
