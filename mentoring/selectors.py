"""Reads of the mentoring app: who manages what, what a person sees of their applications and
tandems, the programme management's dashboard and review, suggestions and aggregates. Nothing
here writes; writes are in ``services``, which may call these reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from . import matching
from .explain import (
    answer_rows,
    criterion_label,
    criterion_reason,
    pair_rows,
    pin_issue_reason,
    unmatched_reason,
)
from .models import (
    Agreement,
    Application,
    Criterion,
    FeedbackResponse,
    MatchingRun,
    PairRule,
    Programme,
    ProgrammeEnding,
    Proposal,
    Role,
    Session,
    Tandem,
)
from .sessions import selectors as session_selectors

if TYPE_CHECKING:
    from cms.typing import User

    from .matching.criteria import Rule

MIN_ANSWERS_FOR_AGGREGATES = 3


# --- Who sees what -----------------------------------------------------------------------------


def managed_programmes(user: User) -> QuerySet[Programme]:
    """The programmes ``user`` manages (every programme for superusers)."""
    programmes = Programme.objects.all()
    return programmes if user.is_superuser else programmes.filter(managers=user)


def member_applications(user: User) -> QuerySet[Application]:
    """A person's own applications, newest first."""
    return (
        Application.objects.filter(user=user).select_related("programme").order_by("-submitted_at")
    )


def member_tandems(user: User) -> QuerySet[Tandem]:
    """The tandems a person is the mentor or the mentee of, newest first."""
    return Tandem.objects.of_member(user).order_by("-created_at")


def visible_tandems(user: User) -> QuerySet[Tandem]:
    """Tandems a person may see: their own and those of the programmes they manage."""
    return (
        Tandem.objects.filter(
            Q(mentee__user=user) | Q(mentor__user=user) | Q(programme__in=managed_programmes(user))
        )
        .select_related("mentee__user", "mentor__user", "proposal")
        .distinct()
    )


def managed_runs(user: User) -> QuerySet[MatchingRun]:
    """Matching runs of the programmes ``user`` manages, with their proposals."""
    return MatchingRun.objects.filter(programme__in=managed_programmes(user)).prefetch_related(
        "proposals"
    )


# --- What matching reads -----------------------------------------------------------------------


def engine_rule(criterion: Criterion) -> Rule | None:
    """Managers state rules about the answers ("organisations must differ"); the engine states
    them about the comparison's score. For the "different" comparison the two are inverted."""
    return translate_rule(criterion.kind, criterion.rule)


def translate_rule(kind: str, rule: str | None) -> Rule | None:
    """The rule in the other wording (manager's <-> engine's); the same inversion both ways."""
    if not rule:
        return None
    if kind == Criterion.Kind.DIFFERENT:
        inverse: dict[str, Rule] = {"must_differ": "must_match", "must_match": "must_differ"}
        return inverse[rule]
    return cast("Rule", rule)  # the field's choices are the engine's rules


def engine_criteria(programme: Programme) -> list[matching.ScoringCriterion]:
    from .matching.site_kinds import load_hooked_kinds

    load_hooked_kinds()  # kinds a site adds through the Wagtail hook register_tandem_matching_criteria
    return [
        matching.ScoringCriterion(key=c.key, kind=c.kind, weight=c.weight, rule=engine_rule(c))
        for c in programme.criteria.all()
    ]


def matching_participants(
    programme: Programme,
) -> tuple[list[matching.Person], list[matching.Person]]:
    """Accepted applicants who are still free: mentees without an open tandem, mentors with
    free capacity (minus their open tandems)."""
    applications = (
        programme.applications.filter(status=Application.Status.ACCEPTED)
        .annotate(
            open_as_mentor=Count(
                "mentor_tandems", filter=Q(mentor_tandems__status__in=Tandem.OPEN_STATUSES)
            ),
            open_as_mentee=Count(
                "mentee_tandems", filter=Q(mentee_tandems__status__in=Tandem.OPEN_STATUSES)
            ),
        )
        .order_by("pk")
        # only what the engine reads: no model instances for thousands of applications
        .values_list(
            "pk",
            "role",
            "answers",
            "submitted_at",
            "capacity",
            "paused",
            "open_as_mentor",
            "open_as_mentee",
        )
    )
    mentees = []
    mentors = []
    default_capacity = programme.default_mentor_capacity
    for pk, role, answers, submitted_at, capacity, paused, as_mentor, as_mentee in applications:
        if role == Role.MENTEE:
            if not as_mentee:
                mentees.append(
                    matching.Person(
                        id=pk, attributes=answers, waiting_since=submitted_at.timestamp()
                    )
                )
        elif role == Role.MENTOR:
            free = (capacity or default_capacity) - as_mentor
            if free > 0:
                mentors.append(
                    matching.Person(id=pk, attributes=answers, capacity=free, paused=paused)
                )
    return mentees, mentors


def pair_rules(programme: Programme) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(pinned, forbidden) pairs of the programme as (mentee id, mentor id)."""
    pinned: list[tuple[int, int]] = []
    forbidden: list[tuple[int, int]] = []
    for rule in programme.pair_rules.order_by("created_at", "pk"):  # the earlier pin wins
        (pinned if rule.kind == PairRule.Kind.PINNED else forbidden).append(
            (rule.mentee_id, rule.mentor_id)
        )
    return pinned, forbidden


def stored_breakdown(items) -> list[dict]:
    """A pair's breakdown as it is stored with a proposal (plain JSON)."""
    return [
        {
            "key": item.key,
            "kind": item.kind,
            "weight": item.weight,
            "rule": translate_rule(item.kind, item.rule),  # as the manager set it
            "raw": round(item.raw, 4),
            "contribution": round(item.contribution, 4),
            "reason": item.reason,
            "params": plain(item.params),
        }
        for item in items
    ]


def plain(value: Any) -> Any:
    """``value`` as plain JSON: sets become sorted lists, unknown objects strings."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [
            plain(v)
            for v in (sorted(value, key=str) if isinstance(value, (set, frozenset)) else value)
        ]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


# --- Suggestions -------------------------------------------------------------------------------


def best_mentors_for(*, programme: Programme, mentee_id: int) -> list[dict]:
    """The mentee's best free mentors, best first, each with its explanation. Paused and full
    mentors, pairs that break a hard rule and pairs declined before never appear."""
    mentees, mentors = matching_participants(programme)
    mentee = next((person for person in mentees if person.id == mentee_id), None)
    if mentee is None:
        return []
    active = [person for person in mentors if not person.paused]
    _pinned, forbidden = pair_rules(programme)
    config = matching.MatchingConfig(
        criteria=engine_criteria(programme),
        forbidden=forbidden,
        top_k=programme.suggestions_per_mentee,
    )
    result = matching.match([mentee], active, config)
    mentor_ids = [pair.mentor_id for pair in result.pairs]
    mentor_ids += [alt.mentor_id for alt in result.alternatives.get(mentee.id, [])]
    by_id = {person.id: person for person in active}
    best = []
    for mentor_id in mentor_ids[: programme.suggestions_per_mentee]:
        evaluation = matching.evaluate_pair(mentee, by_id[mentor_id], config)
        best.append(
            {
                "mentor": mentor_id,
                "score": round(evaluation.score, 2),
                "breakdown": stored_breakdown(evaluation.breakdown),
            }
        )
    return best


def next_best_mentors(*, tandem: Tandem) -> list[dict]:
    """After a decline: the mentee's best remaining mentors, for the manager."""
    return best_mentors_for(programme=tandem.programme, mentee_id=tandem.mentee_id)


def mentee_suggestions(*, application: Application) -> list[dict]:
    """The mentors a mentee may request in programmes where mentees choose."""
    if (
        application.programme.matching_mode == "manager"
        or application.role != Role.MENTEE
        or application.status != Application.Status.ACCEPTED
    ):
        return []
    return best_mentors_for(programme=application.programme, mentee_id=application.pk)


def explained_mentee_suggestions(*, application: Application) -> list[dict]:
    """:func:`mentee_suggestions` with each mentor's application and the reasons in words, as
    (question, text) pairs, for the mentee's own page."""
    suggestions = mentee_suggestions(application=application)
    if not suggestions:
        return []
    mentors = Application.objects.filter(pk__in=[s["mentor"] for s in suggestions]).select_related(
        "user"
    )
    by_pk = {mentor.pk: mentor for mentor in mentors}
    criteria = {c.key: c for c in application.programme.criteria.all()}
    return [
        {
            **suggestion,
            "application": by_pk[suggestion["mentor"]],
            "reasons": [
                (
                    criterion_label(criteria[item["key"]])
                    if item["key"] in criteria
                    else item["key"],
                    criterion_reason(item),
                )
                for item in suggestion["breakdown"]
            ],
        }
        for suggestion in suggestions
    ]


@dataclass(frozen=True)
class MyMentoring:
    """What a person sees on "My mentoring"."""

    applications: list[Application]
    tandems: list[Tandem]
    choosing: list[tuple[Application, list[dict]]] = field(default_factory=list)


def partner_profile(*, tandem: Tandem, user: User, criteria: dict[str, Criterion]) -> dict:
    """What a member sees of the proposed partner before deciding: her role, her answers to the
    programme's questions asked of her role, the short text she chose to share, and why the pair
    was proposed (the matching run's explanation, or "proposed by the programme management")."""
    mine_is_mentee = tandem.mentee.user_id == user.pk
    partner = tandem.mentor if mine_is_mentee else tandem.mentee
    answers = [
        (criterion_label(criterion), _join_answer(partner.answers[key]))
        for key, criterion in criteria.items()
        if key in partner.answers and criterion.asks(partner.role)
    ]
    reasons: list[tuple[str, str]] = []
    if tandem.proposal is not None:
        reasons = [
            (
                criterion_label(criteria[item["key"]]) if item["key"] in criteria else item["key"],
                criterion_reason(item),
            )
            for item in tandem.proposal.breakdown
        ]
    return {
        "role": partner.get_role_display(),
        "answers": answers,
        "text": partner.shared_profile,
        "reasons": reasons,
        "fit": round(tandem.proposal.score) if tandem.proposal is not None else None,
    }


def _join_answer(value: Any) -> str:
    return ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)


def my_mentoring(*, user: User) -> MyMentoring:
    applications = list(member_applications(user))
    choosing = []
    for application in applications:
        suggestions = explained_mentee_suggestions(application=application)
        if suggestions:
            choosing.append((application, suggestions))
    tandems = list(member_tandems(user).select_related("proposal"))
    criteria_of: dict[int, dict[str, Criterion]] = {}
    for tandem in tandems:
        if tandem.status != Tandem.Status.PROPOSED:
            continue
        if tandem.programme_id not in criteria_of:
            criteria_of[tandem.programme_id] = {
                c.key: c for c in Criterion.objects.filter(programme_id=tandem.programme_id)
            }
        tandem.partner_profile = partner_profile(  # type: ignore[attr-defined]
            tandem=tandem, user=user, criteria=criteria_of[tandem.programme_id]
        )
    return MyMentoring(applications=applications, tandems=tandems, choosing=choosing)


# --- Feedback and the tandem's page ------------------------------------------------------------


def feedback_aggregates(*, programme: Programme, phase: str) -> dict | None:
    """Averages per phase, or None while fewer than three answers exist (no single person can
    be recognised in an average of one or two)."""
    answers = FeedbackResponse.objects.filter(tandem__programme=programme, phase=phase)
    result = answers.aggregate(
        count=Count("pk"), satisfaction=Avg("satisfaction"), goal_progress=Avg("goal_progress")
    )
    if result["count"] < MIN_ANSWERS_FOR_AGGREGATES:
        return None
    return {
        "count": result["count"],
        "satisfaction": round(result["satisfaction"], 1),
        "goal_progress": round(result["goal_progress"], 1),
    }


def tandem_agreement(*, tandem: Tandem) -> Agreement | None:
    return Agreement.objects.filter(tandem=tandem).first()


# --- The programme management's dashboard, review and export -----------------------------------


def programme_dashboard(*, programme: Programme) -> dict[str, Any]:
    """Everything the programme's dashboard shows: applications, counts, runs, the published
    run's scores, declined tandems with the next best mentors, feedback and session aggregates
    (never contents)."""
    applications = list(
        programme.applications.select_related("user").order_by("role", "submitted_at")
    )
    counts = programme.applications.aggregate(
        mentees=Count("pk", filter=Q(role="mentee") & ~Q(status="withdrawn")),
        mentors=Count("pk", filter=Q(role="mentor") & ~Q(status="withdrawn")),
        open=Count("pk", filter=Q(status="submitted")),
    )
    tandem_counts = dict(
        programme.tandems.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    runs = list(programme.runs.all()[:10])
    published = next((run for run in runs if run.status == MatchingRun.Status.PUBLISHED), None)
    scores = list(published.proposals.values_list("score", flat=True)) if published else []
    by_pk = {application.pk: application for application in applications}
    declined = []
    for tandem in programme.tandems.filter(status=Tandem.Status.DECLINED).order_by("-ended_at")[
        :20
    ]:
        if (
            tandem.mentee_id in by_pk
            and by_pk[tandem.mentee_id].status == Application.Status.ACCEPTED
        ):
            suggestions = [
                {**s, "application": by_pk.get(s["mentor"])}
                for s in next_best_mentors(tandem=tandem)
            ]
            declined.append(
                {
                    "tandem": tandem,
                    "mentee": by_pk[tandem.mentee_id],
                    "mentor": by_pk.get(tandem.mentor_id),
                    "suggestions": suggestions,
                }
            )
    return {
        "applications": applications,
        "pending": [a for a in applications if a.status == Application.Status.SUBMITTED],
        "counts": counts,
        "runs": runs,
        "published": published,
        "scores": scores,
        "tandem_counts": [
            (label, tandem_counts.get(value, 0)) for value, label in Tandem.Status.choices
        ],
        "declined": declined,
        "feedback": [
            (label, feedback_aggregates(programme=programme, phase=value))
            for value, label in FeedbackResponse.Phase.choices
        ],
        "min_answers": MIN_ANSWERS_FOR_AGGREGATES,
        "sessions": session_selectors.programme_session_stats(programme=programme),
        "min_ratings": session_selectors.MIN_RATINGS_FOR_AVERAGE,
    }


def run_review(*, run: MatchingRun) -> dict[str, Any]:
    """A run's proposals with each criterion explained in words and the alternatives' people,
    and why each mentee left out has no mentor."""
    programme = run.programme
    proposals: list[Proposal] = list(run.proposals.select_related("mentee__user", "mentor__user"))
    applications = {a.pk: a for a in programme.applications.select_related("user")}
    criteria = {c.key: c for c in programme.criteria.all()}
    for proposal in proposals:
        proposal.explained, proposal.fit = pair_rows(  # type: ignore[attr-defined]
            proposal.breakdown, proposal.score, criteria
        )
        proposal.answers = answer_rows(  # type: ignore[attr-defined]
            criteria, proposal.mentee.answers, proposal.mentor.answers
        )
        proposal.alternative_list = [  # type: ignore[attr-defined]
            {**alt, "application": applications.get(alt["mentor"])} for alt in proposal.alternatives
        ]
    unmatched = [
        {"application": applications.get(entry["mentee"]), "text": unmatched_reason(entry)}
        for entry in run.unmatched
    ]
    names = {pk: a.user.get_full_name() or a.user.email for pk, a in applications.items()}
    pin_issues = [
        {
            "mentee": applications.get(entry["mentee"]),
            "mentor": applications.get(entry["mentor"]),
            "text": pin_issue_reason(entry, names),
        }
        for entry in run.pin_issues
    ]
    return {
        "proposals": proposals,
        "unmatched": unmatched,
        "pin_issues": pin_issues,
        "criteria": list(criteria.values()),
    }


# --- Mentees without a mentor: the next steps ---------------------------------------------------


def mentor_loads(*, programme: Programme) -> list[Application]:
    """The programme's accepted mentors, each with ``load`` (open tandems) and ``places`` (her
    own answer, else the programme's default), fewest taken places first."""
    mentors = list(
        programme.applications.filter(role=Role.MENTOR, status=Application.Status.ACCEPTED)
        .select_related("user")
        .annotate(
            load=Count("mentor_tandems", filter=Q(mentor_tandems__status__in=Tandem.OPEN_STATUSES))
        )
    )
    for mentor in mentors:
        mentor.places = mentor.capacity or programme.default_mentor_capacity  # type: ignore[attr-defined]
    return sorted(
        mentors,
        key=lambda m: (m.load - m.places, m.user.last_name, m.pk),  # type: ignore[attr-defined]
    )


def unmatched_mentees(*, programme: Programme) -> list[dict[str, Any]]:
    """Accepted mentees without an open tandem, each with the reason the latest run gave (if it
    looked at her), so that the workspace can offer the next steps."""
    mentees = list(
        programme.applications.filter(role=Role.MENTEE, status=Application.Status.ACCEPTED)
        .exclude(mentee_tandems__status__in=Tandem.OPEN_STATUSES)
        .select_related("user")
        .order_by("waiting_since", "submitted_at", "pk")
    )
    if not mentees:
        return []
    latest = programme.runs.exclude(status=MatchingRun.Status.DISCARDED).first()
    reasons = {
        entry["mentee"]: unmatched_reason(entry) for entry in (latest.unmatched if latest else [])
    }
    return [{"application": mentee, "reason": reasons.get(mentee.pk, "")} for mentee in mentees]


# --- Ending the programme ----------------------------------------------------------------------


def programme_end_preview(*, programme: Programme, now: datetime | None = None) -> dict[str, Any]:
    """What ending the programme now would do: its active tandems, each with the number of its
    future sessions that would be cancelled, and whether the programme's end date is reached."""
    now = now or timezone.now()
    future = Q(sessions__status__in=Session.ACTIVE, sessions__start__gt=now)
    tandems = list(
        programme.tandems.filter(status=Tandem.Status.ACTIVE)
        .select_related("mentee__user", "mentor__user")
        .annotate(future_sessions=Count("sessions", filter=future))
        .order_by("mentor__user__last_name", "mentee__user__last_name", "pk")
    )
    return {
        "tandems": tandems,
        "future_sessions": sum(t.future_sessions for t in tandems),
        "before_end": timezone.localdate(now) < programme.ends_on,
        "endings": list(programme.endings.select_related("ended_by", "undone_by")[:10]),
    }


def programme_ending_detail(*, ending: ProgrammeEnding) -> dict[str, Any]:
    """An ending with its tandems and the sessions it cancelled (to be rebooked after an undo)."""
    return {
        "tandems": list(
            ending.tandems.select_related("mentee__user", "mentor__user").order_by("pk")
        ),
        "sessions": list(
            ending.sessions.select_related("mentee", "mentor", "tandem").order_by("start", "pk")
        ),
    }


@dataclass(frozen=True)
class ExportRow:
    name: str
    email: str
    role: str
    status: str
    tandem_with: str
    tandem_status: str
    score: str


def programme_export_rows(*, programme: Programme) -> list[ExportRow]:
    """Applications with their tandem, for the programme's own planning (no motivation texts)."""
    applications = list(
        programme.applications.select_related("user").order_by("role", "submitted_at")
    )
    tandems = list(
        programme.tandems.filter(
            status__in=[Tandem.Status.PROPOSED, Tandem.Status.ACTIVE, Tandem.Status.COMPLETED]
        ).select_related("mentee__user", "mentor__user", "proposal")
    )
    partner: dict[int, tuple[str, str, str]] = {}
    for tandem in tandems:
        score = f"{tandem.proposal.score:.0f}" if tandem.proposal else ""
        partner[tandem.mentee_id] = (
            tandem.mentor.user.get_full_name(),
            tandem.get_status_display(),
            score,
        )
        partner.setdefault(tandem.mentor_id, ("", "", ""))
        names = ", ".join(
            filter(None, [partner[tandem.mentor_id][0], tandem.mentee.user.get_full_name()])
        )
        partner[tandem.mentor_id] = (names, tandem.get_status_display(), "")
    rows = []
    for application in applications:
        with_whom, tandem_status, score = partner.get(application.pk, ("", "", ""))
        rows.append(
            ExportRow(
                name=application.user.get_full_name(),
                email=application.user.email,
                role=application.get_role_display(),
                status=application.get_status_display(),
                tandem_with=with_whom,
                tandem_status=tandem_status,
                score=score,
            )
        )
    return rows
