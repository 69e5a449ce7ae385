"""German demo data for the reference site. Idempotent: every object is looked up by a stable
key first, so running the seed again changes nothing."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Site

from cms.models import ContentPage, HomePage, NavigationItem, SiteSettings
from cms.pages import get_base_page_model
from courses import demo as courses_demo
from knowledge import demo as knowledge_demo
from mentoring import demo as mentoring_demo

from .models import User

DEMO_PASSWORD = "Tandem-Demo-2026"  # noqa: S105 - printed demo login, development only


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: str
    groups: tuple[str, ...] = ()
    superuser: bool = False


DEMO_ACCOUNTS = [
    DemoAccount(
        "admin@musterverband.example", "Ada", "Admin", "Administration (superuser)", superuser=True
    ),
    DemoAccount(
        "redaktion@musterverband.example",
        "Rita",
        "Redakteurin",
        "Redaktion (editor)",
        ("Redaktion",),
    ),
    DemoAccount(
        "trainerin@musterverband.example",
        "Tanja",
        "Trainerin",
        "Trainerin (trainer)",
        ("Trainer:innen",),
    ),
    DemoAccount(
        "programmleitung@musterverband.example",
        "Paula",
        "Programmleitung",
        "Programmleitung (programme manager)",
        ("Programmleitung",),
    ),
    DemoAccount(
        "wikiteam@musterverband.example",
        "Wiebke",
        "Wikiteam",
        "Wiki-Team (manages the knowledge spaces, no superuser)",
    ),
    DemoAccount("mentorin@musterverband.example", "Monika", "Mentorin", "Mentorin (mentor)"),
    DemoAccount("mentee@musterverband.example", "Mira", "Mentee", "Mentee"),
    DemoAccount(
        "lernende@musterverband.example", "Lukas", "Lernender", "Teilnehmender (learner, certified)"
    ),
    DemoAccount(
        "teilnehmerin@musterverband.example",
        "Tamara",
        "Teilnehmerin",
        "Teilnehmerin (learner, halfway)",
    ),
]


def _rich(html: str) -> str:
    return html


HOME_BODY = [
    ("heading", {"text": "Gemeinsam lernen, gemeinsam wachsen", "level": "h2"}),
    (
        "paragraph",
        _rich(
            "<p>Der Musterverband unterstützt seine Kreis- und Landesverbände bei der digitalen "
            "Transformation der Wohlfahrtspflege: Wir <b>sensibilisieren, befähigen, pilotieren und "
            "skalieren</b>. Auf dieser Plattform finden Mitarbeitende und Ehrenamtliche "
            "Multiplikator:innen-Schulungen mit Lernvideos und unser Online-Mentoring.</p>"
        ),
    ),
    ("heading", {"text": "Unsere Angebote", "level": "h2"}),
    (
        "paragraph",
        _rich(
            "<ul><li>Schulungsreihen für Multiplikator:innen, die ihr Wissen in ihre Teams tragen</li>"
            "<li>Lernvideos mit Untertiteln und Transkript – auf unserem eigenen Server</li>"
            "<li>Cross-Mentoring, das Frauen in Führungspositionen begleitet</li>"
            "<li>Datenschutzkonforme Videotermine ohne Aufzeichnung</li></ul>"
        ),
    ),
    (
        "quote",
        {
            "text": "Im Mentoring habe ich gelernt, meine Rolle als Führungskraft selbstbewusst "
            "auszufüllen.",
            "attribution": "Teilnehmerin des Mentoringprogramms",
        },
    ),
    (
        "faq",
        {
            "title": "Häufige Fragen",
            "items": [
                {
                    "question": "Wer kann teilnehmen?",
                    "answer": "<p>Alle haupt- und ehrenamtlich Mitarbeitenden der Gliederungen des Musterverbands.</p>",
                },
                {
                    "question": "Werden die Videotermine aufgezeichnet?",
                    "answer": "<p>Nein. Die Termine finden auf unserem eigenen Jitsi-Server statt, ohne "
                    "Aufzeichnung und ohne Dienste Dritter.</p>",
                },
                {
                    "question": "Was kostet die Teilnahme?",
                    "answer": "<p>Für Mitglieder des Verbands ist die Teilnahme kostenfrei.</p>",
                },
            ],
        },
    ),
]

PAGES = {
    "ueber-uns": (
        "Über uns",
        "Die Kompetenzzentren Digitalisierung des Musterverbands beraten Kreis- und Landesverbände.",
        [
            (
                "paragraph",
                "<p>Unsere Beraterinnen und Berater unterstützen Gliederungen bei "
                "Digitalisierungsvorhaben: bei der Entwicklung einer Digitalstrategie, der Pilotierung "
                "von Software und bei Qualifizierungsreihen für Mitarbeitende.</p>",
            ),
            ("heading", {"text": "Wie wir arbeiten", "level": "h2"}),
            (
                "paragraph",
                "<p>Regional, vor Ort und gemeinsam mit den Menschen, die die Arbeit "
                "tragen. Was in einem Verband funktioniert, machen wir für alle nutzbar.</p>",
            ),
        ],
    ),
    "datenschutz": (
        "Datenschutzhinweise",
        "Wie wir mit Ihren personenbezogenen Daten umgehen.",
        [
            ("heading", {"text": "Verantwortliche Stelle", "level": "h2"}),
            (
                "paragraph",
                "<p>Musterverband e. V., Musterstraße 1, 10115 Berlin, "
                "datenschutz@musterverband.example</p>",
            ),
            ("heading", {"text": "Welche Daten wir speichern", "level": "h2"}),
            (
                "paragraph",
                "<p>Wir speichern nur, was für die jeweilige Funktion nötig ist: Ihre "
                "E-Mail-Adresse und Ihren Namen für das Konto, Ihren Lernfortschritt in Kursen und Ihre "
                "Angaben im Mentoringprogramm. Wir binden keine Dienste Dritter ein, setzen keine "
                "Analyse-Werkzeuge ein und laden keine Schriften oder Skripte von fremden Servern.</p>",
            ),
            (
                "paragraph",
                "<p>Die folgende Übersicht wird aus der Software erzeugt und ist daher immer aktuell. "
                "Unter „Mein Bereich → Meine Daten und Datenschutz“ können Sie alle Ihre Daten herunterladen oder "
                "Ihr Konto löschen.</p>",
            ),
            ("personal_data", None),
            ("heading", {"text": "Ihre Rechte", "level": "h2"}),
            (
                "paragraph",
                "<p>Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung "
                "der Verarbeitung, Datenübertragbarkeit und Widerspruch (Art. 15–21 DSGVO).</p>",
            ),
        ],
    ),
    "impressum": (
        "Impressum",
        "Angaben gemäß § 5 DDG.",
        [
            (
                "paragraph",
                "<p>Musterverband e. V.<br>Musterstraße 1<br>10115 Berlin</p>"
                "<p>Vertreten durch den Vorstand. Registergericht: Amtsgericht Musterstadt, VR 12345.</p>"
                "<p>Kontakt: info@musterverband.example</p>",
            ),
        ],
    ),
}


def _ensure_home_page() -> HomePage:
    home = HomePage.objects.first()
    if home is not None:
        return home
    Page = get_base_page_model()
    root = Page.get_first_root_node()
    # Wagtail's placeholder "Welcome" page would block the slug "home"; it carries no content.
    for placeholder in root.get_children().filter(slug="home"):
        if placeholder.specific_class is Page and not placeholder.get_children().exists():
            placeholder.delete()
    home = HomePage(
        title="Willkommen beim Musterverband",
        slug="home",
        intro="Multiplikator:innen-Schulungen, Lernvideos und Online-Mentoring für die Wohlfahrtspflege.",
        body=HOME_BODY,
        seo_title="Startseite",
        search_description="Schulungen und Mentoring des Musterverbands.",
    )
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Musterverband",
        )
    else:
        site.root_page = home
        site.site_name = "Musterverband"
        site.save()
    return home


def _ensure_content_pages(home: HomePage) -> dict[str, ContentPage]:
    pages = {}
    for slug, (title, intro, body) in PAGES.items():
        page = ContentPage.objects.child_of(home).filter(slug=slug).first()
        if page is None:
            page = ContentPage(title=title, slug=slug, intro=intro, body=body)
            home.add_child(instance=page)
            page.save_revision().publish()
        pages[slug] = page
    return pages


def _ensure_settings(home: HomePage, pages: dict[str, ContentPage]) -> None:
    site = Site.objects.get(root_page=home)
    settings = SiteSettings.for_site(site)
    if not settings.contact_email:
        settings.organisation_name = "Musterverband e. V."
        settings.contact_email = "info@musterverband.example"
        settings.contact_phone = "030 123456-0"
        settings.address = "Musterstraße 1\n10115 Berlin"
        settings.privacy_page = pages["datenschutz"]
        settings.imprint_page = pages["impressum"]
        settings.save()
    if not settings.navigation_items.exists():
        NavigationItem.objects.create(settings=settings, page=pages["ueber-uns"], sort_order=10)


def _ensure_accounts() -> list[DemoAccount]:
    created = []
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email__iexact=account.email).first()
        if user is None:
            user = User.objects.create_user(
                email=account.email,
                password=DEMO_PASSWORD,
                first_name=account.first_name,
                last_name=account.last_name,
                is_staff=account.superuser,
                is_superuser=account.superuser,
            )
            created.append(account)
        for name in account.groups:
            user.groups.add(Group.objects.get(name=name))
        EmailAddress.objects.get_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
    return created


def _ensure_courses(home: HomePage) -> None:
    users = {
        user.email: user for user in User.objects.filter(email__endswith="@musterverband.example")
    }
    catalogue = courses_demo.seed(
        home=home,
        trainer=users["trainerin@musterverband.example"],
        learners={
            "finished": users["lernende@musterverband.example"],
            "halfway": users["teilnehmerin@musterverband.example"],
        },
    )
    settings = SiteSettings.for_site(Site.objects.get(root_page=home))
    if not settings.navigation_items.filter(page=catalogue).exists():
        NavigationItem.objects.create(settings=settings, page=catalogue, sort_order=1)


def _ensure_mentoring(home: HomePage) -> None:
    users = {
        user.email: user for user in User.objects.filter(email__endswith="@musterverband.example")
    }
    page = mentoring_demo.seed(
        home=home,
        manager=users["programmleitung@musterverband.example"],
        mentee_account=users["mentee@musterverband.example"],
        mentor_account=users["mentorin@musterverband.example"],
    )
    mentoring_demo.seed_sessions(mentor_account=users["mentorin@musterverband.example"])
    settings = SiteSettings.for_site(Site.objects.get(root_page=home))
    if not settings.navigation_items.filter(page=page).exists():
        NavigationItem.objects.create(settings=settings, page=page, sort_order=2)


def _ensure_video() -> None:
    from video import demo as video_demo

    users = {
        user.email: user for user in User.objects.filter(email__endswith="@musterverband.example")
    }
    video_demo.seed(
        host=users["programmleitung@musterverband.example"],
        colleagues=[
            users["trainerin@musterverband.example"],
            users["redaktion@musterverband.example"],
        ],
    )


def _ensure_knowledge(home: HomePage) -> None:
    users = {
        user.email: user for user in User.objects.filter(email__endswith="@musterverband.example")
    }
    spaces = knowledge_demo.seed(
        home=home,
        wiki_team=[
            users["wikiteam@musterverband.example"],
            users["redaktion@musterverband.example"],
        ],
        staff=[
            users["trainerin@musterverband.example"],
            users["programmleitung@musterverband.example"],
            users["mentorin@musterverband.example"],
        ],
        editor=users["trainerin@musterverband.example"],
    )
    settings = SiteSettings.for_site(Site.objects.get(root_page=home))
    if not settings.navigation_items.filter(page=spaces[0]).exists():
        NavigationItem.objects.create(settings=settings, page=spaces[0], sort_order=3)


@transaction.atomic
def seed_demo() -> list[DemoAccount]:
    """Create the demo organisation; returns the accounts that were new."""
    home = _ensure_home_page()
    pages = _ensure_content_pages(home)
    _ensure_settings(home, pages)
    created = _ensure_accounts()
    _ensure_courses(home)
    _ensure_mentoring(home)
    _ensure_video()
    _ensure_knowledge(home)
    return created
