from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from wagtail import hooks
from wagtail.models import Site

from .pages import get_base_page_model
from .search import search_terms

RESULTS_PER_PAGE = 10


def search(request: HttpRequest) -> HttpResponse:
    """Site search over the live, public pages of the current site."""
    query = search_terms(request.GET.get("q"))
    Page = get_base_page_model()
    pages = Page.objects.none()
    if query:
        site = Site.find_for_request(request)
        pages = Page.objects.live().public()
        if site is not None:
            pages = pages.descendant_of(site.root_page, inclusive=True)
        # Apps hide pages that are not for everyone, e.g. lessons of enrol-only courses.
        for hide in hooks.get_hooks("filter_site_search_pages"):
            pages = hide(pages, request)
        pages = pages.specific().search(query, operator="and")
    paginator = Paginator(pages, RESULTS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "cms/search_results.html",
        {
            "search_query": query,
            "page_obj": page_obj,
            "query_prefix": urlencode({"q": query}) + "&",
        },
    )


def sitemap(request: HttpRequest) -> HttpResponse:
    """``/sitemap.xml`` for search engines: Wagtail's sitemap of the current site, which lists live
    pages without a view restriction only (``live().public()``): nothing of a knowledge space
    for groups or for signed-in people, nothing password-protected."""
    from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

    return wagtail_sitemap(request)
