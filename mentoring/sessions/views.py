"""Pages for sessions: my sessions, booking and moving, a session's page, the join page, the
mentors' availability editor and the private calendar feed."""

from __future__ import annotations

import calendar
import uuid
import zoneinfo
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import groupby
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, formats, timezone, translation
from django.utils.dateparse import parse_date
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cms.errors import add_to_form
from cms.ics import feed, invitation
from cms.ratelimit import rate_limit
from cms.timezones import (
    canonical_time_zone,
    short_time_zone_options,
    time_zone_aliases,
    time_zone_options,
)

from ..models import Application, CalendarToken, Role, Session, SessionFeedback, SessionNote, Tandem
from . import notifications, selectors, services
from .forms import (
    AgendaForm,
    BookingForm,
    ExceptionForm,
    NoteForm,
    ReasonForm,
    ScheduleSettingsForm,
    SessionFeedbackForm,
    WeeklyForm,
)
from .video import join_info


def viewer_zone(request: HttpRequest) -> zoneinfo.ZoneInfo:
    """The zone chosen on the page (?tz=), else the person's own (set by the middleware)."""
    name = canonical_time_zone(request.GET.get("tz") or request.POST.get("tz") or "")
    if name:  # a legacy alias a device reports ("Europe/Kiev") means its place's current name
        return zoneinfo.ZoneInfo(name)
    return timezone.get_current_timezone()


def _tandem_for(request: HttpRequest, tandem_id: int) -> Tandem:
    return get_object_or_404(Tandem.objects.of_member(request.user), pk=tandem_id)


def _session_for(request: HttpRequest, session_uuid: uuid.UUID) -> Session:
    session = get_object_or_404(
        Session.objects.select_related(
            "mentor", "mentee", "tandem__programme", "tandem__mentor", "tandem__mentee"
        ),
        uuid=session_uuid,
    )
    if session.member_role(request.user) is None:
        raise Http404
    return session


@login_required
def my_sessions(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    upcoming = list(selectors.member_sessions(request.user, upcoming=True, now=now))
    past = list(selectors.member_sessions(request.user, upcoming=False, now=now)[:50])
    tandems = Tandem.objects.filter(
        Q(mentor__user=request.user) | Q(mentee__user=request.user), status=Tandem.Status.ACTIVE
    ).select_related("programme", "mentor__user", "mentee__user")
    is_mentor = Application.objects.filter(user=request.user, role=Role.MENTOR).exists()
    token = CalendarToken.objects.filter(user=request.user).first()
    feed_url = (
        request.build_absolute_uri(reverse("mentoring:calendar-feed", args=[token.token]))
        if token
        else ""
    )
    return render(
        request,
        "mentoring/sessions/mine.html",
        {
            "upcoming": upcoming,
            "past": past,
            "tandems": tandems,
            "is_mentor": is_mentor,
            "feed_url": feed_url,
            "now": now,
        },
    )


@login_required
@require_POST
def calendar_rotate(request: HttpRequest) -> HttpResponse:
    existed = CalendarToken.objects.filter(user=request.user).exists()
    services.calendar_token_rotate(user=request.user)
    if existed:
        messages.success(
            request, _("You have a new subscription address. The old one no longer works.")
        )
    else:
        messages.success(request, _("Your subscription address is ready."))
    return redirect("mentoring:sessions")


@login_required
def session_calendar_file(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    """One session as a calendar file to add by hand (the e-mails carry the same entry)."""
    session = _session_for(request, session_uuid)
    event = notifications.calendar_event(session)
    method = "CANCEL" if session.status == Session.Status.CANCELLED else "REQUEST"
    response = HttpResponse(
        invitation(event, method=method), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="tandem-{session.start:%Y-%m-%d}.ics"'
    return response


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private iCal subscription: only times, status and the link to the session's page."""
    record = CalendarToken.objects.filter(token=token).select_related("user").first()
    if record is None:
        raise Http404
    since = timezone.now() - timedelta(days=90)
    sessions = (
        Session.objects.filter(Q(mentor=record.user) | Q(mentee=record.user), end__gte=since)
        .select_related("mentor", "mentee")
        .order_by("start")
    )
    events = [notifications.calendar_event(session, with_people=False) for session in sessions]
    response = HttpResponse(
        feed(events, name=_("Tandem sessions")), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


def _clock(local: datetime) -> str:
    """The time of day; in the hour the clocks go back (which occurs twice) with its offset,
    e.g. "02:00 (UTC+2)" and "02:00 (UTC+1)", so the two are told apart."""
    text = local.strftime("%H:%M")
    offset = local.utcoffset()
    if offset is None or local.replace(fold=1 - local.fold).utcoffset() == offset:
        return text
    minutes = int(offset.total_seconds() // 60)
    sign, hours, rest = "+" if minutes >= 0 else "-", abs(minutes) // 60, abs(minutes) % 60
    return f"{text} (UTC{sign}{hours}{f':{rest:02d}' if rest else ''})"


def _slot_days(found, zone) -> dict[date, list[tuple]]:
    """The slots by day of the viewer's zone: {day: [(slot, local start), …]}, in order."""
    local = [(slot, slot.start.astimezone(zone)) for slot in found]
    return {day: list(items) for day, items in groupby(local, key=lambda item: item[1].date())}


def _shown_slots(slots: list[tuple]) -> list[tuple]:
    """(slot, local start, time of day, the local start as the form's value) for the slots the
    page lists (those of the chosen day: the month shows only how many each day has)."""
    return [(slot, local, _clock(local), local.isoformat()) for slot, local in slots]


def _session_to_move(request: HttpRequest, tandem: Tandem) -> Session | None:
    value = request.GET.get("move") or request.POST.get("move")
    if not value:
        return None
    try:
        return get_object_or_404(Session, uuid=uuid.UUID(value), tandem=tandem)
    except ValueError:
        raise Http404 from None


@login_required
@rate_limit("booking")
def book(request: HttpRequest, tandem_id: int) -> HttpResponse:
    """Pick a slot, shown in the viewer's time zone; also the page for moving a session."""
    if request.method == "POST":
        tandem = _tandem_for(request, tandem_id)
    else:
        found = selectors.tandem_for_booking_page(request.user, tandem_id)
        if found is None:
            raise Http404
        tandem = found
    moving = _session_to_move(request, tandem)
    form = BookingForm(request.POST if request.method == "POST" else None, moving=moving)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if moving is None:
                session = services.session_book(
                    tandem=tandem,
                    start=data["slot"],
                    length=data["length"],
                    by=request.user,
                    idempotency_key=data["key"],
                ).session
                messages.success(
                    request,
                    _("The session is proposed; your mentee confirms it.")
                    if session.status == Session.Status.PROPOSED
                    else _(
                        "The session is booked. You will both get an e-mail with a calendar entry."
                    ),
                )
            else:
                session = services.session_reschedule(
                    session=moving,
                    start=data["slot"],
                    by=request.user,
                    length=data["length"],
                    reason=data["reason"],
                )
                messages.success(
                    request,
                    _("The session has been moved. You will both get an updated calendar entry."),
                )
            return redirect("mentoring:session", session_uuid=session.uuid)
        except services.SessionError as error:
            form.add_service_error(error)
    return _booking_page(request, tandem=tandem, moving=moving, form=form)


def _booking_page(
    request: HttpRequest, *, tandem: Tandem, moving: Session | None, form: BookingForm
) -> HttpResponse:
    """A month with the days that have free times marked (``month``), and the free times of the
    chosen day (``day``; the month's first day with free times unless one is chosen), from today
    up to the end of the booking horizon."""
    zone = viewer_zone(request)
    own_zone = timezone.get_current_timezone_name()  # the person's own (before the page's)
    all_zones = request.GET.get("zones") == "all"
    now = timezone.now()
    today = now.astimezone(zone).date()
    chosen = _parse(parse_date, request.GET.get("day"))
    # Links from before the month view (e-mails, bookmarks) name the week's first day: they open
    # on the first day from then on that has free times.
    from_day = None if chosen else _parse(parse_date, request.GET.get("from"))
    month = _parse_month(request.GET.get("month")) or (chosen or from_day or today).replace(day=1)
    month = min(max(month, today.replace(day=1)), (today + services.REACH).replace(day=1))
    next_month = (month + timedelta(days=32)).replace(day=1)
    first_day = max(month, today)
    length = (
        form.cleaned_data.get("length") if form.is_bound else _parse(int, request.GET.get("length"))
    )
    if moving and not length:
        length = int((moving.end - moving.start).total_seconds() // 60)
    result = selectors.tandem_slots(
        tandem=tandem,
        length=length or None,
        start=datetime.combine(first_day, time(0), tzinfo=zone),
        end=datetime.combine(next_month, time(0), tzinfo=zone),
        now=now,
        exclude=moving,
        cached=True,
    )
    by_day = _slot_days(result.slots, zone)
    if from_day is not None:
        chosen = next((day for day in by_day if day >= from_day), None)
    if chosen is None or not (first_day <= chosen < next_month):
        chosen = next(iter(by_day), None)
    is_mentor = request.user.pk == tandem.mentor.user_id
    partner = tandem.mentee.user if is_mentor else tandem.mentor.user
    no_times = not result.slots and not selectors.mentor_has_times(tandem.mentor.user_id)
    if no_times and not is_mentor:
        services.tandem_request_times(tandem=tandem)  # the mentor is told once, not per visit
    timezone.activate(zone)  # the page shows every time in the zone the viewer chose
    errors = form.page_errors() if form.is_bound else []
    alternatives = _shown_slots([(slot, slot.start.astimezone(zone)) for slot in form.alternatives])
    keep = {
        "length": result.length,
        "tz": zone.key,
        "move": moving.uuid if moving else "",
        "zones": "all" if all_zones else "",
    }
    last_bookable = (now + result.rules.horizon).astimezone(zone).date()
    return render(
        request,
        "mentoring/sessions/book.html",
        {
            "tandem": tandem,
            "partner": partner,
            "moving": moving,
            "zone": zone.key,
            "zone_aliases": " ".join(time_zone_aliases(zone.key)),
            "zone_options": time_zone_options(zone.key)
            if all_zones
            else short_time_zone_options(zone.key, also=(own_zone, result.rules.zone.key)),
            "all_zones": all_zones,
            "all_zones_url": _booking_query({**keep, "zones": "all"}, month=month, day=chosen)
            + "#tz",
            "length": result.length,
            "lengths": result.rules.lengths,
            "month": month,
            "month_rows": _month_rows(_month_weeks(month, by_day, chosen, keep)),
            "weekdays": _weekday_names(),
            "chosen": chosen,
            "chosen_slots": _shown_slots(by_day.get(chosen, [])) if chosen else [],
            "has_free_days": bool(by_day),
            "previous_month_url": _booking_query(keep, month=_month_before(month))
            if month > today.replace(day=1)
            else "",
            "next_month": next_month,
            "next_month_url": _booking_query(keep, month=next_month)
            if next_month <= last_bookable
            else "",
            "errors": errors,
            "alternatives": alternatives,
            "key": request.POST.get("key") or uuid.uuid4().hex,
            "form": form,
            "mentor_zone": result.rules.zone.key,
            "has_schedule": bool(result.rules.lengths),
            "no_times": no_times,
            "is_mentor": is_mentor,
        },
        status=409 if alternatives else (400 if errors else 200),
    )


def _parse_month(value: str | None) -> date | None:
    """The first of a month written "2026-12"; None for anything else."""
    parsed = _parse(parse_date, f"{value}-01") if value and len(value) <= 7 else None
    return parsed


def _month_before(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


def _booking_query(keep: dict, **more) -> str:
    values = {**keep, **more}
    return "?" + urlencode(
        {
            key: value.isoformat()[:7] if key == "month" else str(value)
            for key, value in values.items()
            if value
        }
    )


def _weekday_names() -> list[tuple[str, str]]:
    """Monday to Sunday: the full name and its abbreviation in the active language."""
    return _weekday_names_in(translation.get_language() or "")


@lru_cache(maxsize=8)
def _weekday_names_in(language: str) -> list[tuple[str, str]]:
    monday = date(2024, 1, 1)
    days = [monday + timedelta(days=offset) for offset in range(7)]
    return [(dateformat.format(day, "l"), dateformat.format(day, "D")) for day in days]


@lru_cache(maxsize=1024)
def _month_day(language: str, day: date) -> str:
    """ "3. Dezember": the day as the month view names it (the same for every page that shows it)."""
    return formats.date_format(day, "MONTH_DAY_FORMAT")


def _month_weeks(month: date, by_day: dict, chosen: date | None, keep: dict) -> list[list[dict]]:
    """The month's weeks (Monday first) for the month view: each day with the number of its free
    times, the address that shows them and the name a screen reader reads, e.g.
    "3. Dezember, 4 freie Zeiten"."""
    weeks = []
    language = translation.get_language() or ""
    month_query = _booking_query(keep, month=month)  # each day's address adds its day
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        cells = []
        for day in week:
            count = len(by_day.get(day, []))
            cell = {
                "day": day,
                "iso": day.isoformat(),
                "in_month": day.month == month.month,
                "count": count,
                "chosen": day == chosen,
            }
            if count and cell["in_month"]:  # only days with free times are links
                cell["url"] = f"{month_query}&day={cell['iso']}#times"
                cell["label"] = ngettext(
                    "%(day)s, %(count)s free time", "%(day)s, %(count)s free times", count
                ) % {"day": _month_day(language, day), "count": count}
            cells.append(cell)
        weeks.append(cells)
    return weeks


def _month_rows(weeks: list[list[dict]]) -> str:
    """The month grid's rows (``<tr>`` per week): built here rather than by the template, which
    would look up each of its 42 cells' values one by one."""

    def cell(day: dict) -> str:
        if not day["in_month"]:
            return "<td></td>"
        if not day["count"]:
            return format_html('<td><span class="day">{}</span></td>', day["day"].day)
        chosen = day["chosen"]
        return format_html(
            '<td><a class="day day--free{}" href="{}" aria-label="{}" data-date="{}"{}>{}</a></td>',
            " day--chosen" if chosen else "",
            day["url"],
            day["label"],
            day["iso"],
            mark_safe(' aria-current="true"') if chosen else "",  # noqa: S308 - a constant
            day["day"].day,
        )

    return mark_safe(  # noqa: S308 - every cell escaped by format_html
        "".join("<tr>" + "".join(cell(day) for day in week) + "</tr>" for week in weeks)
    )


def _parse(parser, value):
    """None for anything that is not a valid date/time (also for well-formed nonsense like month 13)."""
    try:
        return parser(value or "")
    except ValueError:
        return None


@login_required
def session_detail(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    session = _session_for(request, session_uuid)
    role = session.member_role(request.user)
    now = timezone.now()
    note = SessionNote.objects.filter(session=session, author=request.user).first()
    action = request.POST.get("form") if request.method == "POST" else None
    agenda_form = AgendaForm(
        request.POST if action == "agenda" else None, initial={"agenda": session.agenda}
    )
    note_form = NoteForm(
        request.POST if action == "note" else None, initial={"text": note.text if note else ""}
    )
    cancel_form = ReasonForm(request.POST if action == "cancel" else None, prefix="cancel")
    feedback_form = SessionFeedbackForm(request.POST if action == "feedback" else None)
    if request.method == "POST":
        try:
            if action == "agenda" and agenda_form.is_valid():
                services.session_set_agenda(
                    session=session, by=request.user, agenda=agenda_form.cleaned_data["agenda"]
                )
                messages.success(request, _("The agenda has been saved."))
                return redirect("mentoring:session", session_uuid=session.uuid)
            if action == "note" and note_form.is_valid():
                services.session_note_save(
                    session=session, by=request.user, text=note_form.cleaned_data["text"]
                )
                messages.success(request, _("Your notes have been saved."))
                return redirect("mentoring:session", session_uuid=session.uuid)
            if action == "cancel" and cancel_form.is_valid():
                services.session_cancel(
                    session=session, by=request.user, reason=cancel_form.cleaned_data["reason"]
                )
                messages.success(
                    request, _("The session has been cancelled. Both of you get an e-mail.")
                )
                return redirect("mentoring:session", session_uuid=session.uuid)
            if action == "confirm":
                services.session_confirm(session=session, by=request.user)
                messages.success(request, _("The session is confirmed."))
                return redirect("mentoring:session", session_uuid=session.uuid)
            if action == "feedback" and feedback_form.is_valid():
                services.session_feedback_submit(
                    session=session, by=request.user, **feedback_form.cleaned_data
                )
                messages.success(request, _("Thank you for your feedback."))
                return redirect("mentoring:session", session_uuid=session.uuid)
            if action == "no_show":
                services.session_mark_no_show(session=session, by=request.user)
                messages.success(request, _("Noted: your tandem partner did not come."))
                return redirect("mentoring:session", session_uuid=session.uuid)
        except services.SessionError as error:
            target = {
                "agenda": agenda_form,
                "note": note_form,
                "cancel": cancel_form,
                "feedback": feedback_form,
            }.get(action)
            if target is not None:
                add_to_form(target, error)
            else:
                messages.error(request, str(error.message))
    info = join_info(session=session, user=request.user, now=now)
    partner = session.mentee if role == "mentor" else session.mentor
    changes = list(session.changes.select_related("by"))
    has_feedback = SessionFeedback.objects.filter(session=session).exists()
    return render(
        request,
        "mentoring/sessions/detail.html",
        {
            "session": session,
            "role": role,
            "partner": partner,
            "info": info,
            "agenda_form": agenda_form,
            "note_form": note_form,
            "cancel_form": cancel_form,
            "feedback_form": feedback_form,
            "changes": changes,
            "started": now >= session.start,
            "has_feedback": has_feedback,
            "now": now,
        },
        status=400
        if any(f.errors for f in (agenda_form, note_form, cancel_form, feedback_form))
        else 200,
    )


@login_required
def session_join(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    """The video room of the chosen video provider (by default the organisation's own Jitsi
    server), embedded only after the click on "Enter room"; early or late visitors see when it is
    open. The provider's template renders the client part (mentoring.video.providers)."""
    session = _session_for(request, session_uuid)
    info = join_info(session=session, user=request.user)
    return render(
        request,
        "mentoring/sessions/join.html",
        {
            "session": session,
            "info": info,
            "role": session.member_role(request.user),
            "partner": session.mentee
            if session.member_role(request.user) == "mentor"
            else session.mentor,
        },
    )


def _my_schedule(request: HttpRequest):
    if not Application.objects.filter(user=request.user, role=Role.MENTOR).exists():
        raise Http404
    return services.schedule_get_or_create(user=request.user)


@login_required
def availability(request: HttpRequest) -> HttpResponse:
    """The mentor's availability: settings, a weekly grid and date exceptions."""
    schedule = _my_schedule(request)
    action = request.POST.get("form") if request.method == "POST" else None
    settings_form = ScheduleSettingsForm(
        request.POST if action == "settings" else None, instance=schedule
    )
    windows = selectors.weekly_windows(schedule)
    weekly_form = WeeklyForm(request.POST if action == "weekly" else None, windows=windows)
    exception_form = ExceptionForm(request.POST if action == "exception" else None)
    if request.method == "POST":
        try:
            if action == "settings" and settings_form.is_valid():
                services.schedule_update_settings(
                    schedule=schedule, changes=settings_form.cleaned_data
                )
                messages.success(request, _("Your settings have been saved."))
                return redirect("mentoring:availability")
            if action == "weekly" and weekly_form.is_valid():
                services.availability_set_weekly(schedule=schedule, windows=weekly_form.windows())
                messages.success(request, _("Your weekly availability has been saved."))
                return redirect("mentoring:availability")
            if action == "exception" and exception_form.is_valid():
                services.availability_add_exception(
                    schedule=schedule, **exception_form.cleaned_data
                )
                messages.success(request, _("The date exception has been added."))
                return redirect("mentoring:availability")
            if action == "remove_exception":
                services.availability_remove_exception(
                    schedule=schedule, exception_id=int(request.POST.get("exception", 0) or 0)
                )
                messages.success(request, _("The date exception has been removed."))
                return redirect("mentoring:availability")
        except services.SessionError as error:
            add_to_form(
                {"weekly": weekly_form, "exception": exception_form}.get(action, settings_form),
                error,
            )
        except ValueError:
            messages.error(request, _("Please choose an entry from the list."))
    invalid = any(f.errors for f in (settings_form, weekly_form, exception_form))
    return render(
        request,
        "mentoring/sessions/availability.html",
        {
            "schedule": schedule,
            "settings_form": settings_form,
            "weekly_form": weekly_form,
            "exception_form": exception_form,
            "exceptions": selectors.date_exceptions(
                schedule, since=timezone.localdate(timezone=schedule.zone)
            ),
        },
        status=400 if invalid else 200,
    )
