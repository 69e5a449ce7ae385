from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from cms import site_cache
from cms.models import SiteSettings

register = template.Library()


@register.simple_tag(takes_context=True)
def site_settings(context) -> SiteSettings:
    """The current site's settings with their related objects and the main navigation, from the
    shared cache (cms.site_cache) and then once per request."""
    request = context.get("request")
    if request is None:
        return SiteSettings(organisation_name="Tandem")
    cached = getattr(request, "_tandem_site_settings", None)
    if cached is None:
        cached = request._tandem_site_settings = site_cache.site_settings(request)
    return cached


def _navigation_entries(settings: SiteSettings, request) -> list[dict]:
    found = getattr(settings, "navigation_entries", None)
    if found is None:  # settings not read through the site_settings tag
        found = []
        if settings.pk:
            for item in settings.navigation_items.select_related("page").order_by("sort_order"):
                url = item.page.get_url(request=request) if item.page_id else item.url
                if url:
                    found.append({"title": item.title, "url": url})
    return found


def _current_entry(entries: list[dict], request) -> str:
    """The most specific entry whose address the page's path starts with (not the home page)."""
    current_path = request.path if request else ""
    under = [e["url"] for e in entries if e["url"] != "/" and current_path.startswith(e["url"])]
    return max(under, key=len, default="")


@register.simple_tag(takes_context=True)
def current_navigation_entry(context, settings: SiteSettings) -> str:
    """The address of the main navigation's entry the page lies under ("" for none): what the
    site header varies on, so it can be a shared fragment."""
    request = context.get("request")
    return _current_entry(_navigation_entries(settings, request), request)


@register.inclusion_tag("cms/includes/main_navigation.html", takes_context=True)
def main_navigation(context, settings: SiteSettings) -> dict:
    request = context.get("request")
    found = _navigation_entries(settings, request)
    current = _current_entry(found, request)
    entries = [{**entry, "current": entry["url"] == current} for entry in found]
    return {"entries": entries, "search_url": reverse("search")}


@register.simple_tag(takes_context=True)
def page_url(context, page) -> str:
    """``{% pageurl page %}`` for pages of the request's site at a fraction of its cost: links
    to many pages (an outline, breadcrumbs) read no table of sites (``site_cache.page_url``)."""
    if page is None:
        return ""
    return site_cache.page_url(context.get("request"), page)


@register.inclusion_tag("cms/includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page) -> dict:
    """The trail from the home page down to the page's parent: from routing when the page was
    routed by cms.routing, else in one query."""
    routed = getattr(page, "_tandem_ancestors", None)
    if routed is not None:
        ancestors = [ancestor for ancestor in routed if ancestor.depth >= 2]
    else:
        ancestors = list(page.get_ancestors().filter(depth__gte=2)) if page.depth > 2 else []
    return {"ancestors": ancestors, "current": page, "request": context.get("request")}


@register.simple_tag(takes_context=True)
def can_access_admin(context) -> bool:
    """Whether the signed-in person may open the admin (for its link), cached per person."""
    request = context.get("request")
    return site_cache.can_access_admin(getattr(request, "user", None))


@register.simple_tag
def login_url() -> str:
    """The site's login page (LOGIN_URL), wherever the site put it."""
    from django.conf import settings
    from django.shortcuts import resolve_url

    return resolve_url(settings.LOGIN_URL)


@register.simple_tag
def content_language(page) -> str:
    """The language ``page``'s content is written in (for ``lang="…"`` on its container, so a
    screen reader reads German content as German in the English interface too). Without
    WAGTAIL_I18N_ENABLED every page is in the default content language; no query either way
    when the page's locale is loaded."""
    from django.conf import settings
    from wagtail.coreutils import get_content_languages, get_supported_content_language_variant

    if getattr(settings, "WAGTAIL_I18N_ENABLED", False) and page is not None:
        try:
            return page.locale.language_code
        except AttributeError:
            pass
    code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    return code if code in get_content_languages() else settings.LANGUAGE_CODE


def _with_weekday(value, parts: list[str], weekday: str) -> str:
    from django.utils import formats

    if weekday == "short":
        parts.insert(0, formats.date_format(value, "D"))
    elif weekday != "plain":
        parts.insert(0, formats.date_format(value, "l"))
    return ", ".join(parts)


@register.filter(expects_localtime=True)
def long_datetime(value, weekday: str = "weekday") -> str:
    """A moment in the language's own formats, never a hand-written pattern: the weekday, its
    ``DATE_FORMAT`` and ``TIME_FORMAT`` ("Donnerstag, 3. Dezember 2026, 14:00"; in English
    "Thursday, Dec. 3, 2026, 2 p.m."); ``|long_datetime:"short"`` with the weekday's short name
    ("Do, 3. Dezember 2026, 14:00"; "Thu, Dec. 3, 2026, 2 p.m."), ``|long_datetime:"plain"``
    without the weekday."""
    from django.utils import formats

    if not value:
        return ""
    parts = [formats.date_format(value, "DATE_FORMAT"), formats.time_format(value, "TIME_FORMAT")]
    return _with_weekday(value, parts, weekday)


@register.filter(expects_localtime=True)
def long_date(value, weekday: str = "weekday") -> str:
    """A day (a date, or a moment's local day) as ``long_datetime`` shows it, without the time:
    "Donnerstag, 3. Dezember 2026"; "Thursday, Dec. 3, 2026"; ``"short"`` and ``"plain"`` as
    there."""
    from django.utils import formats

    if not value:
        return ""
    return _with_weekday(value, [formats.date_format(value, "DATE_FORMAT")], weekday)


@register.filter(expects_localtime=True)
def clock(value) -> str:
    """The time of day in the language's ``TIME_FORMAT`` ("14:00"; "2 p.m.")."""
    from django.utils import formats

    return formats.time_format(value, "TIME_FORMAT") if value else ""


# --- Shared fragments ---------------------------------------------------------------------------


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context) -> str:
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        name = site_cache.fragment_name(
            request,
            str(self.name.resolve(context)),
            [str(value.resolve(context)) for value in self.vary_on],
        )
        html = site_cache.lookup(request, name)
        if html is None:
            html = self.nodelist.render(context)
            if site_cache.shareable_fragment(request, html):
                site_cache.store(request, name, str(html))
        return mark_safe(html)  # noqa: S308 - the template's own output, escaped when rendered


@register.tag
def shared_fragment(parser, token):
    """``{% shared_fragment "name" var … %}…{% endshared_fragment %}``: a part of a page that is
    the same for everyone who sees it, rendered once per site, language, time zone and the values
    named, and kept in the shared cache until the next publish or change of content (the page
    cache's generation; ``cms.site_cache``). Only for content: never wrap anything about the
    person (names, progress, forms with their token); a fragment showing a token is not kept."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("shared_fragment needs a name")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]]
    )
