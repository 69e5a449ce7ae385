"""Public pages of the site as a visitor gets them, with a short and a long main menu."""

from django.test import Client

from bench.common import Row, measure


def run() -> list[Row]:
    from cms.models import ContentPage, NavigationItem, SiteSettings
    from lms.demo import seed_demo

    seed_demo()
    client = Client()
    about = ContentPage.objects.get(slug="ueber-uns")
    settings = SiteSettings.objects.get()
    rows = []
    for menu_size in (1, 25):
        while settings.navigation_items.count() < menu_size:
            number = settings.navigation_items.count()
            page = ContentPage(title=f"Bereich {number}", slug=f"bereich-{number}")
            about.add_child(instance=page)
            NavigationItem.objects.create(settings=settings, page=page, sort_order=100 + number)
        rows.append(
            measure(
                "home page",
                f"{menu_size} menu items",
                lambda: client.get("/"),
                note="target: fixed query count",
            )
        )
        rows.append(
            measure("content page", f"{menu_size} menu items", lambda: client.get("/ueber-uns/"))
        )
    rows.append(
        measure("site search", "demo site", lambda: client.get("/search/", {"q": "Mentoring"}))
    )
    return rows
