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


def organisation_name(request=None) -> str:
    """The organisation's name from the site settings (the request's site, else the default
    site), "Tandem" when there are none: e-mails greet and sign with it, never with a host name.
    Kept in the site cache (every change to a site or its settings renews it): a booking's two
    e-mails asked the database four times for it."""
    from cms import site_cache

    site = site_cache.find_site(request) if request is not None else None
    if site is not None:
        return site_cache.site_settings(request).organisation_name
    return site_cache.cached(None, "organisation-name", _default_site_organisation_name)


def _default_site_organisation_name() -> str:
    from wagtail.models import Site

    from cms.models import SiteSettings

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return SiteSettings._meta.get_field("organisation_name").get_default()
    return SiteSettings.for_site(site).organisation_name


@register.simple_tag(name="organisation_name", takes_context=True)
def organisation_name_tag(context) -> str:
    return organisation_name(context.get("request"))


@register.filter
def on_site(url: str) -> str:
    """The link ``url`` (absolute or a path) on the site's public address (SITE_URL): links
    built from a request's host (allauth's) lead where the site really is."""
    from urllib.parse import urlsplit

    from cms.mail import site_url

    parts = urlsplit(str(url))
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    if parts.fragment:
        path += f"#{parts.fragment}"
    return site_url(path)
