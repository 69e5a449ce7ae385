"""Business rules of the mentoring app: applications with consent, matching runs, publishing
and the tandems' answers. The matching itself is the pure engine in ``mentoring.matching``."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms import audit
from cms.db import insert_rows

from . import matching, notifications, selectors
from .errors import NOT_A_MEMBER, MentoringError
from .models import (
    Agreement,
    Application,
    ConsentRecord,
    Criterion,
    FeedbackResponse,
    Goal,
    MatchingRun,
    PairRule,
    Programme,
    Proposal,
    Role,
    Tandem,
)

if TYPE_CHECKING:
    from cms.typing import User

    from .matching.types import Fairness
    from .selectors import ExportRow

APPLICATIONS_CLOSED = _("Applications for this programme are not open.")
CONSENT_REQUIRED = _("Please agree to the processing of your data for this programme.")
ALREADY_APPLIED = _("You have already applied in this role.")
ANSWER_REQUIRED = _("Please answer this question.")
ANSWER_NOT_A_CHOICE = _("Please choose from the offered answers.")
ONE_ANSWER_ONLY = _("Please choose one answer.")
NOT_A_DRAFT = _("Only a draft run can be published.")
CONFIDENTIALITY_REQUIRED = _("Both of you need to agree to confidentiality before confirming.")
NOT_SUGGESTED = _("This mentor is not among your current suggestions.")
CHOOSING_NOT_OFFERED = _("In this programme the programme management makes the matches.")
FEEDBACK_TWICE = _("You have already given this feedback.")
FEEDBACK_NOT_YET = _("Feedback is possible once the tandem is active.")
ALREADY_ANSWERED = _("This tandem is no longer waiting for an answer.")


def consent_purpose(programme: Programme) -> str:
    return f"mentoring-programme:{programme.slug}"


# --- Applications ------------------------------------------------------------------------------


def clean_answers(*, programme: Programme, role: str, answers: dict) -> dict:
    """Answers to the criteria asked of this role, checked against the offered choices.
    Raises MentoringError naming the criterion key as ``field``."""
    if not isinstance(answers, dict):
        raise MentoringError(ANSWER_REQUIRED, code="answer_required")
    cleaned: dict[str, object] = {}
    for criterion in programme.criteria.all():
        if not criterion.asks(role):
            continue
        value = answers.get(criterion.key)
        values = [value] if isinstance(value, str) else list(value or [])
        values = [v for v in values if isinstance(v, str) and v.strip()]
        if not values:
            if criterion.required:
                raise MentoringError(ANSWER_REQUIRED, field=criterion.key, code="answer_required")
            continue
        if any(v not in criterion.choice_list for v in values):
            raise MentoringError(ANSWER_NOT_A_CHOICE, field=criterion.key)
        if criterion.answer_type == Criterion.AnswerType.SINGLE:
            if len(values) != 1:
                raise MentoringError(ONE_ANSWER_ONLY, field=criterion.key)
            cleaned[criterion.key] = values[0]
        else:
            cleaned[criterion.key] = sorted(set(values), key=criterion.choice_list.index)
    return cleaned


@transaction.atomic
def application_submit(
    *,
    programme: Programme,
    by: User,
    role: str,
    answers: dict,
    motivation: str = "",
    shared_profile: str = "",
    capacity: int | None = None,
    consent: bool,
) -> Application:
    now = timezone.now()
    if not programme.applications_open <= now < programme.applications_close:
        raise MentoringError(APPLICATIONS_CLOSED, code="closed")
    if not consent:
        raise MentoringError(CONSENT_REQUIRED, code="consent_required", field="consent")
    if (
        Application.objects.filter(programme=programme, user=by, role=role)
        .exclude(status=Application.Status.WITHDRAWN)
        .exists()
    ):
        raise MentoringError(ALREADY_APPLIED, code="duplicate")
    cleaned = clean_answers(programme=programme, role=role, answers=answers)
    record = ConsentRecord.objects.create(
        user=by,
        purpose=consent_purpose(programme),
        document_version=programme.privacy_notice_version,
        action=ConsentRecord.Action.GIVEN,
    )
    return Application.objects.create(
        programme=programme,
        user=by,
        role=role,
        answers=cleaned,
        motivation=motivation.strip()[:5000],
        shared_profile=shared_profile.strip()[:600],
        capacity=capacity if role == Role.MENTOR else None,
        consent=record,
    )


@transaction.atomic
def application_withdraw(*, application: Application) -> Application:
    """Withdrawing the application also withdraws the consent (as easy as giving it)."""
    application.status = Application.Status.WITHDRAWN
    application.save(update_fields=["status"])
    ConsentRecord.objects.create(
        user=application.user,
        purpose=application.consent.purpose,
        document_version=application.consent.document_version,
        action=ConsentRecord.Action.WITHDRAWN,
    )
    return application


@transaction.atomic
def application_set_paused(*, application: Application, paused: bool) -> Application:
    """Mentors pause when they cannot take a mentee for now; they are then never suggested."""
    application.paused = paused
    application.save(update_fields=["paused"])
    return application


@transaction.atomic
def application_decide(*, application: Application, by: User, accept: bool) -> Application:
    application.status = Application.Status.ACCEPTED if accept else Application.Status.DECLINED
    application.decided_by = by
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_by", "decided_at"])
    return application


# --- Matching -----------------------------------------------------------------------------------


@transaction.atomic
def matching_run(*, programme: Programme, by: User | None = None) -> MatchingRun:
    """Compute a draft proposal for everyone still free. Earlier drafts stay for comparison."""
    mentees, mentors = selectors.matching_participants(programme)
    pinned, forbidden = selectors.pair_rules(programme)
    config = matching.MatchingConfig(
        criteria=selectors.engine_criteria(programme),
        pinned=pinned,
        forbidden=forbidden,
        fairness=cast("Fairness", programme.fairness),  # the field's choices are the options
        top_k=programme.suggestions_per_mentee,
    )
    started = time.perf_counter()
    result = matching.match(mentees, mentors, config)
    seconds = time.perf_counter() - started
    run = MatchingRun.objects.create(
        programme=programme,
        created_by=by,
        matched_count=result.matched_count,
        total_score=round(result.total_score, 4),
        seconds=round(seconds, 4),
        settings_snapshot={
            "criteria": [
                {
                    "key": c.key,
                    "kind": c.kind,
                    "weight": c.weight,
                    "rule": selectors.translate_rule(c.kind, c.rule),
                }
                for c in config.criteria
            ],
            "fairness": programme.fairness,
            "pinned": pinned,
            "forbidden": forbidden,
        },
        unmatched=[
            {"mentee": u.mentee_id, "reason": str(u.reason), "details": selectors.plain(u.details)}
            for u in result.unmatched
        ],
        pin_issues=[
            {
                "mentee": issue.mentee_id,
                "mentor": issue.mentor_id,
                "reason": str(issue.reason),
                "details": selectors.plain(issue.details),
            }
            for issue in result.pin_issues
        ],
    )
    stored_lines: dict[int, dict] = {}  # the engine shares equal breakdown lines between pairs

    def stored(line: matching.CriterionScore) -> dict:
        found = stored_lines.get(id(line))
        if found is None:
            found = stored_lines[id(line)] = selectors.stored_breakdown([line])[0]
        return found

    insert_rows(  # one query however many proposals (bulk_create: one per ~120 on SQLite)
        Proposal,
        ["run", "mentee", "mentor", "score", "raw_score", "breakdown", "pinned", "alternatives"],
        (
            (
                run.pk,
                pair.mentee_id,
                pair.mentor_id,
                round(pair.score, 2),
                round(pair.raw_score, 4),
                [stored(line) for line in pair.breakdown],
                pair.pinned,
                [
                    {
                        "mentor": alt.mentor_id,
                        "score": round(alt.score, 2),
                        "free_capacity": alt.free_capacity,
                    }
                    for alt in result.alternatives.get(pair.mentee_id, [])
                ],
            )
            for pair in result.pairs
        ),
    )
    return run


@transaction.atomic
def pair_pin(
    *, programme: Programme, mentee: Application, mentor: Application, by=None
) -> PairRule:
    """Keep this pair in every following run (e.g. a swap by the manager)."""
    PairRule.objects.filter(programme=programme, mentee=mentee, kind=PairRule.Kind.PINNED).delete()
    return PairRule.objects.create(
        programme=programme, mentee=mentee, mentor=mentor, kind=PairRule.Kind.PINNED, created_by=by
    )


@transaction.atomic
def pair_forbid(
    *, programme: Programme, mentee: Application, mentor: Application, reason: str = "", by=None
) -> PairRule:
    PairRule.objects.filter(
        programme=programme, mentee=mentee, mentor=mentor, kind=PairRule.Kind.PINNED
    ).delete()
    rule, _created = PairRule.objects.get_or_create(
        programme=programme,
        mentee=mentee,
        mentor=mentor,
        kind=PairRule.Kind.FORBIDDEN,
        defaults={"reason": reason[:300], "created_by": by},
    )
    return rule


@transaction.atomic
def matching_publish(*, run: MatchingRun, by: User | None = None) -> list[Tandem]:
    """Turn the reviewed draft into proposed tandems; both people are asked to accept."""
    run = MatchingRun.objects.select_for_update().get(pk=run.pk)
    if run.status != MatchingRun.Status.DRAFT:
        raise MentoringError(NOT_A_DRAFT)
    MatchingRun.objects.filter(programme=run.programme, status=MatchingRun.Status.PUBLISHED).update(
        status=MatchingRun.Status.DISCARDED
    )
    MatchingRun.objects.filter(programme=run.programme, status=MatchingRun.Status.DRAFT).exclude(
        pk=run.pk
    ).update(status=MatchingRun.Status.DISCARDED)
    run.status = MatchingRun.Status.PUBLISHED
    run.published_at = timezone.now()
    run.save(update_fields=["status", "published_at"])
    tandems = Tandem.objects.bulk_create(
        [
            Tandem(
                programme=run.programme, mentee_id=p.mentee_id, mentor_id=p.mentor_id, proposal=p
            )
            for p in run.proposals.all()
        ]
    )
    ids = [tandem.pk for tandem in tandems]
    notifications.tandems_proposed(ids)
    audit.record(
        action="matching.published",
        by=by,
        target=f"programme {run.programme_id}, run {run.pk}",
        tandems=len(ids),
    )
    return tandems


@transaction.atomic
def tandem_respond(*, tandem: Tandem, by: User, accept: bool, reason: str = "") -> Tandem:
    """A member accepts or declines. Both accepted: active. A decline frees both and the pair
    is never proposed again."""
    tandem = Tandem.objects.select_for_update().select_related("mentee", "mentor").get(pk=tandem.pk)
    if by.pk == tandem.mentee.user_id:
        field = "mentee_response"
    elif by.pk == tandem.mentor.user_id:
        field = "mentor_response"
    else:
        raise MentoringError(NOT_A_MEMBER, code="not_a_member")
    if tandem.status != Tandem.Status.PROPOSED or getattr(tandem, field) != Tandem.Response.PENDING:
        raise MentoringError(ALREADY_ANSWERED, code="answered")
    setattr(tandem, field, Tandem.Response.ACCEPTED if accept else Tandem.Response.DECLINED)
    if not accept:
        tandem.status = Tandem.Status.DECLINED
        tandem.ended_at = timezone.now()
        tandem.end_reason = reason[:500]
        pair_forbid(
            programme=tandem.programme,
            mentee=tandem.mentee,
            mentor=tandem.mentor,
            reason=str(_("declined")),
        )
    elif tandem.mentee_response == tandem.mentor_response == Tandem.Response.ACCEPTED:
        tandem.status = Tandem.Status.ACTIVE
        tandem.started_at = timezone.now()
    tandem.save()
    return tandem


# --- Feedback -------------------------------------------------------------------------------


@transaction.atomic
def feedback_submit(
    *,
    tandem: Tandem,
    by: User,
    phase: str,
    satisfaction: int,
    goal_progress: int,
    comment: str = "",
) -> FeedbackResponse:
    tandem = Tandem.objects.select_related("mentee", "mentor").get(pk=tandem.pk)
    if by.pk == tandem.mentee.user_id:
        role = Role.MENTEE
    elif by.pk == tandem.mentor.user_id:
        role = Role.MENTOR
    else:
        raise MentoringError(NOT_A_MEMBER, code="not_a_member")
    if tandem.status not in (
        Tandem.Status.ACTIVE,
        Tandem.Status.COMPLETED,
        Tandem.Status.ENDED_EARLY,
    ):
        raise MentoringError(FEEDBACK_NOT_YET, code="not_active")
    if FeedbackResponse.objects.filter(tandem=tandem, respondent=by, phase=phase).exists():
        raise MentoringError(FEEDBACK_TWICE, code="duplicate")
    response = FeedbackResponse(
        tandem=tandem,
        respondent=by,
        role=role,
        phase=phase,
        satisfaction=satisfaction,
        goal_progress=goal_progress,
        comment=comment.strip()[:2000],
    )
    response.full_clean(exclude=["tandem", "respondent"])
    response.save()
    return response


# --- Agreement and goals --------------------------------------------------------------------


def _member_role(tandem: Tandem, by: User) -> str:
    if by.pk == tandem.mentee.user_id:
        return Role.MENTEE
    if by.pk == tandem.mentor.user_id:
        return Role.MENTOR
    raise MentoringError(NOT_A_MEMBER, code="not_a_member")


@transaction.atomic
def agreement_save(
    *, tandem: Tandem, by: User, rhythm: str, rhythm_note: str, confidentiality: bool
) -> Agreement:
    """Change the agreement; both members must confirm the new version."""
    _member_role(tandem, by)
    agreement, _created = Agreement.objects.select_for_update().get_or_create(tandem=tandem)
    agreement.rhythm, agreement.rhythm_note, agreement.confidentiality = (
        rhythm,
        rhythm_note[:300],
        confidentiality,
    )
    agreement.mentee_confirmed_at = agreement.mentor_confirmed_at = None
    agreement.full_clean(exclude=["tandem"])
    agreement.save()
    return agreement


@transaction.atomic
def agreement_confirm(*, tandem: Tandem, by: User) -> Agreement:
    role = _member_role(tandem, by)
    agreement, _created = Agreement.objects.select_for_update().get_or_create(tandem=tandem)
    if not agreement.confidentiality:
        raise MentoringError(CONFIDENTIALITY_REQUIRED, code="confidentiality_required")
    setattr(agreement, f"{role}_confirmed_at", timezone.now())
    agreement.save()
    return agreement


@transaction.atomic
def goal_add(*, tandem: Tandem, by: User, title: str) -> Goal:
    _member_role(tandem, by)
    title = " ".join(title.split())[:300]
    if not title:
        raise MentoringError(ANSWER_REQUIRED, field="title")
    return Goal.objects.create(tandem=tandem, title=title)


@transaction.atomic
def goal_set_progress(*, goal: Goal, by: User, progress: int) -> Goal:
    _member_role(goal.tandem, by)
    goal.progress = max(0, min(100, int(progress)))
    goal.save(update_fields=["progress"])
    return goal


# --- Mentees choose from suggestions ---------------------------------------------------------


@transaction.atomic
def mentee_request(*, application: Application, mentor: Application) -> Tandem:
    """The mentee asks a suggested mentor; the mentor then accepts or declines."""
    if application.programme.matching_mode == "manager":
        raise MentoringError(CHOOSING_NOT_OFFERED, code="not_offered")
    suggested = selectors.mentee_suggestions(application=application)
    if mentor.pk not in [s["mentor"] for s in suggested]:
        raise MentoringError(NOT_SUGGESTED, code="not_suggested")
    return Tandem.objects.create(
        programme=application.programme,
        mentee=application,
        mentor=mentor,
        mentee_response=Tandem.Response.ACCEPTED,
    )


@transaction.atomic
def programme_export(*, programme: Programme, by: User) -> list[ExportRow]:
    """The programme's applications with their tandems for a download; the download is recorded
    in the audit log (who took personal data out of the system, and when)."""
    rows = selectors.programme_export_rows(programme=programme)
    audit.record(action="export.csv", by=by, target=f"programme {programme.pk}")
    return rows


# The other jobs' services, in modules of their own; callers use them through this namespace.
from .endings import (  # noqa: E402
    programme_end,
    programme_end_undo,
    programme_end_undo_until,
    tandem_end_early,
)
from .unmatched import mentee_waitlist, mentor_add_place, tandem_pair_by_hand  # noqa: E402

__all__ = [
    "MentoringError",
    "mentee_waitlist",
    "mentor_add_place",
    "programme_end",
    "programme_end_undo",
    "programme_end_undo_until",
    "tandem_end_early",
    "tandem_pair_by_hand",
]
