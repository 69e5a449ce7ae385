"""Dates in e-mails, in the active (the recipient's) language and time zone."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def local_datetime(moment: datetime) -> str:
    """``3. Dezember 2026 10:00 (Europe/Berlin)``: the moment in the recipient's zone, named."""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'DATETIME_FORMAT')} ({timezone.get_current_timezone_name()})"


@register.simple_tag
def spoken_when(moment: datetime, now: datetime | None = None) -> str:
    """When ``moment`` is, seen from ``now`` by the recipient: "today at 10:00", "tomorrow,
    Thursday, December 3, at 10:00", or "on Thursday, December 3 at 10:00" (in German "heute um
    10:00 Uhr", "morgen, Donnerstag, 3. Dezember, um 10:00 Uhr", "am Donnerstag, 3. Dezember um
    10:00 Uhr"). Never "tomorrow" when it is not."""
    local = timezone.localtime(moment)
    today = timezone.localtime(now or timezone.now()).date()
    day = f"{date_format(local, 'l')}, {date_format(local, 'MONTH_DAY_FORMAT')}"
    values = {"day": day, "time": date_format(local, "TIME_FORMAT")}
    if local.date() == today:
        return _("today at %(time)s") % values
    if local.date() == today + timedelta(days=1):
        return _("tomorrow, %(day)s, at %(time)s") % values
    return _("on %(day)s at %(time)s") % values
