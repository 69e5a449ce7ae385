"""German demo data: a cross-mentoring programme for women in leadership with applications,
one published matching run and tandems in different states. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import services
from .models import Criterion, Programme, ProgrammePage, Tandem

ASSOCIATIONS = ["KV Nordheide", "KV Südstadt", "KV Ostmark", "KV Westufer", "LV Mitte"]
TOPICS = [
    "Führung übernehmen",
    "Digitalisierung",
    "Personalentwicklung",
    "Verhandeln",
    "Vereinbarkeit",
]
LANGUAGES = ["Deutsch", "Englisch", "Türkisch", "Arabisch"]
TIMES = ["Mo–Fr vormittags", "Mo–Fr nachmittags", "Mo–Fr abends"]
MENTEES = [
    ("Aylin", "Demir", 0, [0, 1], [0, 2], [1]),
    ("Birgit", "Hahn", 1, [0, 2], [0], [0, 1]),
    ("Carla", "Ivanova", 2, [1, 3], [0, 1], [2]),
    ("Doris", "Jung", 3, [0, 4], [0], [1, 2]),
    ("Elif", "Kaya", 4, [2], [0, 2], [0]),
    ("Frauke", "Lorenz", 0, [3, 4], [0], [2]),
    ("Gül", "Mert", 1, [1], [0, 2], [1]),
    ("Hanna", "Nowak", 2, [0, 3], [0, 1], [0, 2]),
    ("Ines", "Otto", 3, [4], [0], [1]),
    ("Jana", "Peters", 4, [2, 3], [0], [2]),
    ("Katrin", "Quast", 0, [1, 2], [0], [0]),
]
MENTORS = [
    ("Monika", "Mentorin", 1, [0, 1, 2], [0, 1], [1, 2], 2),
    ("Renate", "Richter", 2, [0, 3, 4], [0], [0, 1], 2),
    ("Sabine", "Schulz", 3, [1, 2, 3], [0, 2], [2], 2),
    ("Tülay", "Yıldız", 4, [0, 4], [0, 2], [0, 1], 1),
    ("Ursula", "Vogel", 0, [2, 3], [0, 1], [1], 1),
    ("Vera", "Weiß", 2, [1, 4], [0], [0, 2], 1),
]


def _criteria(programme: Programme) -> None:
    if programme.criteria.exists():
        return
    Criterion.objects.bulk_create(
        [
            Criterion(
                programme=programme,
                key="kreisverband",
                kind="different",
                rule="must_differ",
                weight=0,
                answer_type="single",
                choices="\n".join(ASSOCIATIONS),
                sort_order=1,
                mentee_question="In welchem Verband arbeiten Sie?",
                mentor_question="In welchem Verband arbeiten Sie?",
            ),
            Criterion(
                programme=programme,
                key="themen",
                kind="overlap",
                weight=8,
                choices="\n".join(TOPICS),
                sort_order=2,
                mentee_question="Wobei wünschen Sie sich Begleitung?",
                mentor_question="Wobei können Sie begleiten?",
            ),
            Criterion(
                programme=programme,
                key="sprachen",
                kind="overlap",
                weight=2,
                rule="must_match",
                choices="\n".join(LANGUAGES),
                sort_order=3,
                mentee_question="In welchen Sprachen möchten Sie sprechen?",
                mentor_question="Welche Sprachen sprechen Sie?",
            ),
            Criterion(
                programme=programme,
                key="zeiten",
                kind="overlap",
                weight=4,
                choices="\n".join(TIMES),
                sort_order=4,
                mentee_question="Wann haben Sie Zeit?",
                mentor_question="Wann haben Sie Zeit?",
            ),
        ]
    )


def _user(first: str, last: str, email: str | None = None):
    User = get_user_model()
    email = email or f"{first.lower()}.{last.lower()}@musterverband.example".replace(
        "ı", "i"
    ).replace("ü", "ue").replace("ö", "oe").replace("ß", "ss")
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=None, first_name=first, last_name=last
        )
    return user


def _answers(association: int, topics, languages, times) -> dict:
    return {
        "kreisverband": ASSOCIATIONS[association],
        "themen": [TOPICS[i] for i in topics],
        "sprachen": [LANGUAGES[i] for i in languages],
        "zeiten": [TIMES[i] for i in times],
    }


@transaction.atomic
def seed(*, home, manager, mentee_account, mentor_account) -> ProgrammePage:
    page = ProgrammePage.objects.first()
    if page is not None:
        return page
    now = timezone.now()
    programme = Programme.objects.create(
        title="Mentoring für weibliche Führungskräfte",
        slug="mentoring-fuehrungskraefte",
        summary="Cross-Mentoring zwischen Kreis- und Landesverbänden: erfahrene Führungskräfte begleiten "
        "Frauen auf dem Weg in Leitungsfunktionen.",
        # In the order people live them (the demo's tandems were matched in an earlier round of
        # applications; this one is open for the next).
        applications_open=now - timedelta(days=60),
        applications_close=now + timedelta(days=30),
        matching_on=(now + timedelta(days=31)).date(),
        starts_on=(now + timedelta(days=31)).date(),
        ends_on=(now + timedelta(days=300)).date(),
        matching_mode="manager",
        fairness="lift_weakest",
        default_mentor_capacity=1,
        privacy_notice_version="2026-11",
    )
    programme.managers.add(manager)
    programme.save()
    _criteria(programme)
    page = ProgrammePage(
        title="Mentoring für weibliche Führungskräfte",
        slug="mentoring",
        programme=programme,
        intro="Ein Jahr Begleitung auf Augenhöhe – über Verbandsgrenzen hinweg.",
        body=[
            (
                "paragraph",
                "<p>Mentees werden von erfahrenen Führungskräften aus einem "
                "<b>anderen</b> Verband begleitet: so entsteht keine Abhängigkeit "
                "in der Linie. Die Treffen finden per datenschutzkonformer "
                "Videokonferenz auf unserem eigenen Server statt.</p>",
            )
        ],
    )
    home.add_child(instance=page)
    page.save_revision().publish()

    def submit(user, role, answers, capacity=None):
        application = services.application_submit(
            programme=programme,
            by=user,
            role=role,
            answers=answers,
            consent=True,
            capacity=capacity,
            motivation="Ich möchte meine Führungsrolle bewusst gestalten."
            if role == "mentee"
            else "Ich gebe gern Erfahrung weiter.",
        )
        return services.application_decide(application=application, by=manager, accept=True)

    mentee_apps = [submit(mentee_account, "mentee", _answers(0, [0, 1], [0], [1]))]
    mentee_apps += [
        submit(_user(first, last), "mentee", _answers(a, t, l_, z))
        for first, last, a, t, l_, z in MENTEES
    ]
    mentor_apps = [
        submit(
            mentor_account if first == "Monika" else _user(first, last),
            "mentor",
            _answers(a, t, l_, z),
            capacity=c,
        )
        for first, last, a, t, l_, z, c in MENTORS
    ]
    services.pair_pin(programme=programme, mentee=mentee_apps[0], mentor=mentor_apps[0], by=manager)
    run = services.matching_run(programme=programme, by=manager)
    services.matching_publish(run=run, by=manager)
    tandems = list(
        Tandem.objects.filter(programme=programme)
        .select_related("mentee__user", "mentor__user")
        .order_by("pk")
    )
    active = []
    for index, tandem in enumerate(tandems):
        if tandem.mentee_id == mentee_apps[0].pk:
            continue  # the demo mentee answers herself
        if index % 3 == 0:
            services.tandem_respond(tandem=tandem, by=tandem.mentee.user, accept=True)
            active.append(
                services.tandem_respond(tandem=tandem, by=tandem.mentor.user, accept=True)
            )
        elif index % 3 == 1:
            services.tandem_respond(tandem=tandem, by=tandem.mentee.user, accept=True)
    if active:
        first = active[0]
        services.agreement_save(
            tandem=first,
            by=first.mentee.user,
            rhythm="fortnightly",
            rhythm_note="Dienstags, 17 Uhr, per Video",
            confidentiality=True,
        )
        services.agreement_confirm(tandem=first, by=first.mentee.user)
        services.agreement_confirm(tandem=first, by=first.mentor.user)
        goal = services.goal_add(
            tandem=first, by=first.mentee.user, title="Die erste Teamsitzung souverän leiten"
        )
        services.goal_set_progress(goal=goal, by=first.mentee.user, progress=60)
        services.goal_add(
            tandem=first, by=first.mentee.user, title="Ein Jahresgespräch vorbereiten"
        )
    if len(active) > 1:
        services.tandem_end_early(
            tandem=active[-1], by=active[-1].mentee.user, reason="Wechsel der Stelle"
        )
    return page


DEMO_WEEKLY = {
    "mentorin@musterverband.example": [
        (0, "09:00", "12:00"),
        (1, "17:00", "19:30"),
        (3, "14:00", "18:00"),
    ],
}
DEFAULT_WEEKLY = [(day, "10:00", "16:00") for day in range(5)]
SOON = timedelta(minutes=5)


def _weekly(user) -> None:
    from datetime import time

    from .sessions import selectors as session_selectors
    from .sessions import services as session_services

    schedule = session_services.schedule_get_or_create(user=user)
    if session_selectors.weekly_windows(schedule):
        return
    windows = DEMO_WEEKLY.get(user.email, DEFAULT_WEEKLY)
    session_services.availability_set_weekly(
        schedule=schedule,
        windows=[
            session_services.WindowInput(day, time.fromisoformat(start), time.fromisoformat(end))
            for day, start, end in windows
        ],
    )


def _direct_session(tandem: Tandem, start, *, agenda: str = ""):
    """Demo sessions outside the booking rules (in the past, or in five minutes): written directly."""
    from video.jitsi import new_room_name

    from .models import Session, SessionChange

    session = Session.objects.create(
        tandem=tandem,
        mentor=tandem.mentor.user,
        mentee=tandem.mentee.user,
        start=start,
        end=start + timedelta(minutes=45),
        blocked_from=start,
        blocked_until=start + timedelta(minutes=60),
        room_name=new_room_name(),
        created_by=tandem.mentee.user,
        agenda=agenda,
    )
    SessionChange.objects.create(
        session=session,
        kind=SessionChange.Kind.BOOKED,
        by=tandem.mentee.user,
        start=session.start,
        end=session.end,
    )
    return session


@transaction.atomic
def seed_sessions(*, mentor_account) -> None:
    """Availability for every demo mentor; for the demo mentor's active tandem a past session with
    feedback, a booked one next week, and on every run one that starts within minutes, so the
    join flow can be tried right away."""
    from .models import Application, Session, SessionFeedback
    from .sessions import selectors
    from .sessions import services as session_services

    for application in Application.objects.filter(role="mentor").select_related("user"):
        _weekly(application.user)
    tandem = (
        Tandem.objects.filter(mentor__user=mentor_account, status=Tandem.Status.ACTIVE)
        .select_related("programme", "mentor__user", "mentee__user")
        .first()
    )
    if tandem is None:
        return
    now = timezone.now()
    sessions = Session.objects.filter(tandem=tandem)
    if not sessions.exists():
        past = _direct_session(
            tandem,
            (now - timedelta(days=14)).replace(minute=0, second=0, microsecond=0),
            agenda="1. Rückblick auf die erste Teamsitzung\n2. Delegieren – wie fange ich an?",
        )
        SessionFeedback.objects.create(
            session=past, rating=5, text="Sehr hilfreich, vor allem die Beispiele."
        )
        upcoming = selectors.tandem_slots(
            tandem=tandem,
            length=60,
            start=now + timedelta(days=6),
            end=now + timedelta(days=14),
            now=now,
        ).slots
        if upcoming:
            session_services.session_book(
                tandem=tandem, start=upcoming[0].start, length=60, by=tandem.mentee.user
            )
    soon = sessions.filter(
        status__in=Session.ACTIVE,
        start__gt=now - timedelta(minutes=30),
        start__lte=now + timedelta(hours=2),
    )
    if not soon.exists():
        start = (now + SOON).replace(second=0, microsecond=0)
        if (
            not Session.objects.filter(
                status__in=Session.ACTIVE,
                blocked_from__lt=start + timedelta(hours=1),
                blocked_until__gt=start,
            )
            .filter(mentor=tandem.mentor.user)
            .exists()
        ):
            _direct_session(tandem, start, agenda="Kurzes Kennenlernen im Videoraum")
