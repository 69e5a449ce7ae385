# Availability is kept in the mentors' django-scheduler calendars only. Until now every weekly
# window and date exception was a row here *and* a mirrored event there, and slots were computed
# from the rows. The rows were the truth, so each row's facts are written into its event (the
# times again from the row, the kind as the title, the note as the description), events of mentor
# calendars without a row are removed (nothing ever read them), and the two tables go.

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import django.db.models.deletion
from django.db import migrations, models


def wall_clock(day, moment, zone):
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


def local(moment, zone):
    return moment.astimezone(zone).replace(tzinfo=None)


def plain_rule(Rule, frequency):
    rule = Rule.objects.filter(frequency=frequency, params="").order_by("pk").first()
    if rule is None:
        name = frequency.lower()
        rule = Rule.objects.create(frequency=frequency, params="", name=name, description=name)
    return rule


def rows_into_events(apps, schema_editor):
    MentorSchedule = apps.get_model("mentoring", "MentorSchedule")
    AvailabilityWindow = apps.get_model("mentoring", "AvailabilityWindow")
    AvailabilityException = apps.get_model("mentoring", "AvailabilityException")
    Event = apps.get_model("schedule", "Event")
    Rule = apps.get_model("schedule", "Rule")
    kept = set()
    for window in AvailabilityWindow.objects.select_related("schedule", "event"):
        zone = ZoneInfo(window.schedule.time_zone)
        event = window.event
        first = window.valid_from or local(event.start, zone).date()
        first += timedelta(days=(window.weekday - first.weekday()) % 7)
        event.title = "available"
        event.rule = plain_rule(Rule, "WEEKLY")
        event.start = wall_clock(first, window.start_time, zone)
        event.end = wall_clock(first, window.end_time, zone)
        event.end_recurring_period = (
            wall_clock(window.valid_until + timedelta(days=1), time(0), zone)
            if window.valid_until
            else None
        )
        event.save()
        kept.add(event.pk)
    for exception in AvailabilityException.objects.select_related("schedule", "event"):
        zone = ZoneInfo(exception.schedule.time_zone)
        event = exception.event
        several_days = exception.start_time is not None and exception.date_until > exception.date_from
        if exception.start_time is None:
            event.start = wall_clock(exception.date_from, time(0), zone)
            event.end = wall_clock(exception.date_until + timedelta(days=1), time(0), zone)
        else:
            event.start = wall_clock(exception.date_from, exception.start_time, zone)
            event.end = wall_clock(exception.date_from, exception.end_time, zone)
        event.title = exception.kind
        event.description = exception.note
        event.rule = plain_rule(Rule, "DAILY") if several_days else None
        event.end_recurring_period = (
            wall_clock(exception.date_until + timedelta(days=1), time(0), zone)
            if several_days
            else None
        )
        event.save()
        kept.add(event.pk)
    calendars = MentorSchedule.objects.values("calendar_id")
    Event.objects.filter(calendar_id__in=calendars).exclude(pk__in=kept).delete()


def events_into_rows(apps, schema_editor):
    MentorSchedule = apps.get_model("mentoring", "MentorSchedule")
    AvailabilityWindow = apps.get_model("mentoring", "AvailabilityWindow")
    AvailabilityException = apps.get_model("mentoring", "AvailabilityException")
    Event = apps.get_model("schedule", "Event")
    for schedule in MentorSchedule.objects.all():
        zone = ZoneInfo(schedule.time_zone)
        for event in Event.objects.filter(calendar_id=schedule.calendar_id).select_related("rule"):
            start, end = local(event.start, zone), local(event.end, zone)
            last = event.end_recurring_period
            last_day = (local(last, zone) - timedelta(seconds=1)).date() if last else None
            if event.title != "blocked" and event.rule and event.rule.frequency == "WEEKLY":
                AvailabilityWindow.objects.create(
                    schedule=schedule,
                    event=event,
                    weekday=start.weekday(),
                    start_time=start.time(),
                    end_time=end.time(),
                    valid_from=start.date(),
                    valid_until=last_day,
                )
                continue
            whole_days = event.rule is None and start.time() == end.time() == time(0)
            if whole_days:
                last_day = end.date() - timedelta(days=1)
            AvailabilityException.objects.create(
                schedule=schedule,
                event=event,
                kind="blocked" if event.title == "blocked" else "available",
                date_from=start.date(),
                date_until=max(last_day or start.date(), start.date()),
                start_time=None if whole_days else start.time(),
                end_time=None if whole_days else end.time(),
                note=event.description[:200],
            )


def check_constraints_now(apps, schema_editor):
    """PostgreSQL checks foreign keys at the end of the transaction; the rows just written would
    then still be pending when the tables below are altered ("pending trigger events")."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('mentoring', '0010_matchingrun_pin_issues'),
        ('schedule', '0015_rename_indexes'),
    ]

    operations = [
        migrations.RunPython(rows_into_events, events_into_rows),
        migrations.RunPython(check_constraints_now, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='availabilitywindow',
            name='event',
        ),
        migrations.RemoveField(
            model_name='availabilitywindow',
            name='schedule',
        ),
        migrations.AlterField(
            model_name='mentorschedule',
            name='calendar',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='mentor_schedule', to='schedule.calendar'),
        ),
        migrations.DeleteModel(
            name='AvailabilityException',
        ),
        migrations.DeleteModel(
            name='AvailabilityWindow',
        ),
    ]
