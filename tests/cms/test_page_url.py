"""Links to pages (breadcrumbs, outlines, menus) are written by ``cms.site_cache.page_url``,
which reads no table of sites: every address must be the one Wagtail's ``pageurl`` writes."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from wagtail.models import Site

from cms.models import ContentPage
from cms.site_cache import page_url

pytestmark = pytest.mark.django_db


def _request(host="localhost"):
    return RequestFactory().get("/", HTTP_HOST=host)


def _child(parent, title, slug):
    page = ContentPage(title=title, slug=slug)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def tree(home_page):
    about = _child(home_page, "Über uns", "ueber-uns")
    team = _child(about, "Team", "team")
    umlaut = _child(team, "Führung", "führung")
    return [home_page, about, team, umlaut]


def test_every_page_of_the_site_is_linked_as_wagtail_links_it(tree):
    for page in tree:
        assert page_url(_request(), page) == page.get_url(request=_request())
    assert [page_url(_request(), page) for page in tree] == [
        "/",
        "/ueber-uns/",
        "/ueber-uns/team/",
        "/ueber-uns/team/f%C3%BChrung/",
    ]


def test_without_the_trailing_slash_when_the_site_says_so(tree, settings):
    # Wagtail reads WAGTAIL_APPEND_SLASH once at start-up; these addresses are its rule applied.
    settings.WAGTAIL_APPEND_SLASH = False
    assert [page_url(_request(), page) for page in tree] == [
        "/",
        "/ueber-uns",
        "/ueber-uns/team",
        "/ueber-uns/team/f%C3%BChrung",
    ]


def test_a_page_of_another_site_keeps_its_full_address(tree, settings):
    settings.ALLOWED_HOSTS = ["localhost", "land.example"]
    other_home = _child(tree[0].get_parent(), "Landesverband", "landesverband")
    Site.objects.create(hostname="land.example", port=80, root_page=other_home)
    elsewhere = _child(other_home, "Termine", "termine")
    request = _request()
    assert page_url(request, elsewhere) == "http://land.example/termine/"
    assert page_url(request, elsewhere) == elsewhere.get_url(request=_request())
    # …and from that site, its own pages are relative and this site's are full.
    assert page_url(_request("land.example"), elsewhere) == "/termine/"
    assert page_url(_request("land.example"), tree[1]) == "http://localhost/ueber-uns/"


def test_without_a_request_wagtail_writes_the_address(tree):
    assert page_url(None, tree[1]) == tree[1].get_url()


def test_the_tag_links_like_pageurl(tree):
    request = _request()
    ours = Template("{% load cms_tags %}{% page_url page %}|{% page_url nothing %}")
    wagtails = Template("{% load wagtailcore_tags %}{% pageurl page %}")
    for page in tree:
        context = {"request": request, "page": page, "nothing": None}
        assert ours.render(Context(context)) == wagtails.render(Context(context)) + "|"
