"""Public pages of the site as a visitor gets them, with a short and a long main menu."""

from django.test import Client

from bench.common import Row, measure, within

PAGE_P95_MS = 100  # one in-process request, test settings, SQLite


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
        for name, path in (("home page", "/"), ("content page", "/ueber-uns/")):
            row = measure(
                name,
                f"{menu_size} menu items",
                lambda path=path: client.get(path),
                p95_ms=PAGE_P95_MS,
            )
            first = next((r for r in rows if r.name == name), None)
            if first is not None:  # the longer menu: the same queries as the short one
                same = row.queries == first.queries
                within(row, f"{row.target}, queries = {first.queries}", bool(row.met) and same)
            rows.append(row)
    rows.append(
        measure(
            "site search",
            "demo site",
            lambda: client.get("/search/", {"q": "Mentoring"}),
            p95_ms=2 * PAGE_P95_MS,
        )
    )
    return rows
