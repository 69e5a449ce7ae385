"""The programme management's matching workspace in the Wagtail admin. Only managers of a
programme (and superusers) see it; everyone else gets 404."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cms import audit
from cms.export import CsvDownload

from . import services
from .explain import answer_rows, pair_rows, pin_issue_reason, unmatched_reason
from .models import Application, FeedbackResponse, MatchingRun, PairRule, Programme, Tandem
from .sessions import selectors as session_selectors


def managed_programmes(user):
    programmes = Programme.objects.all()
    return programmes if user.is_superuser else programmes.filter(managers=user)


def _programme(request: HttpRequest, programme_id: int) -> Programme:
    programme = managed_programmes(request.user).filter(pk=programme_id).first()
    if programme is None:
        raise Http404
    return programme


def dashboards(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request, "mentoring/admin/dashboards.html", {"programmes": managed_programmes(request.user)}
    )


def bar_chart(items: list[tuple[str, int]]) -> dict:
    """Geometry of a small SVG bar chart, drawn on our own server (no chart library, no CDN)."""
    peak = max((count for _label, count in items), default=0) or 1
    width = 90
    bars = [
        {
            "label": label,
            "count": count,
            "height": round(120 * count / peak),
            "x": 5 + width * index,
        }
        for index, (label, count) in enumerate(items)
    ]
    for bar in bars:
        bar["y"] = 130 - bar["height"]
        bar["centre"] = bar["x"] + (width - 10) // 2
        bar["width"] = width - 10
    return {"bars": bars, "width": 10 + width * len(items)}


def score_histogram(scores: list[float]) -> dict:
    counts = [0] * 10
    for score in scores:
        counts[min(9, int(score // 10))] += 1
    return bar_chart(
        [(f"{low}–{low + 10}", counts[index]) for index, low in enumerate(range(0, 100, 10))]
    )


def dashboard(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
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
                for s in services.next_best_mentors(tandem=tandem)
            ]
            declined.append(
                {
                    "tandem": tandem,
                    "mentee": by_pk[tandem.mentee_id],
                    "mentor": by_pk.get(tandem.mentor_id),
                    "suggestions": suggestions,
                }
            )
    return TemplateResponse(
        request,
        "mentoring/admin/dashboard.html",
        {
            "programme": programme,
            "applications": applications,
            "counts": counts,
            "runs": runs,
            "tandem_counts": [
                (label, tandem_counts.get(value, 0)) for value, label in Tandem.Status.choices
            ],
            "tandem_chart": bar_chart(
                [
                    (str(label), tandem_counts.get(value, 0))
                    for value, label in Tandem.Status.choices
                ]
            ),
            "matching_chart": bar_chart(
                [
                    (_("matched"), published.matched_count if published else 0),
                    (_("without a mentor"), len(published.unmatched) if published else 0),
                ]
            ),
            "histogram": score_histogram(scores),
            "declined": declined,
            "feedback": [
                (label, services.feedback_aggregates(programme=programme, phase=value))
                for value, label in FeedbackResponse.Phase.choices
            ],
            "min_answers": services.MIN_ANSWERS_FOR_AGGREGATES,
            "sessions": session_selectors.programme_session_stats(programme=programme),
            "min_ratings": session_selectors.MIN_RATINGS_FOR_AVERAGE,
        },
    )


@require_POST
def application_decide(
    request: HttpRequest, programme_id: int, application_id: int
) -> HttpResponse:
    programme = _programme(request, programme_id)
    application = get_object_or_404(Application, pk=application_id, programme=programme)
    decision = request.POST.get("decision")
    if decision not in {"accept", "decline"}:
        return HttpResponseBadRequest(_("Please accept or decline."))
    accept = decision == "accept"
    services.application_decide(application=application, by=request.user, accept=accept)
    messages.success(request, _("Application accepted.") if accept else _("Application declined."))
    return redirect("mentoring_dashboard", programme_id=programme.pk)


@require_POST
def run_matching(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    run = services.matching_run(programme=programme, by=request.user)
    messages.success(
        request,
        ngettext(
            "Matching done: %(pairs)s pair in %(seconds)s s.",
            "Matching done: %(pairs)s pairs in %(seconds)s s.",
            run.matched_count,
        )
        % {"pairs": run.matched_count, "seconds": number_format(run.seconds, 2)},
    )
    return redirect("mentoring_run_review", programme_id=programme.pk, run_id=run.pk)


def run_review(request: HttpRequest, programme_id: int, run_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    run = get_object_or_404(MatchingRun, pk=run_id, programme=programme)
    proposals = list(run.proposals.select_related("mentee__user", "mentor__user"))
    applications = {a.pk: a for a in programme.applications.select_related("user")}
    criteria = {c.key: c for c in programme.criteria.all()}
    for proposal in proposals:
        proposal.explained, proposal.fit = pair_rows(proposal.breakdown, proposal.score, criteria)
        proposal.answers = answer_rows(criteria, proposal.mentee.answers, proposal.mentor.answers)
        proposal.alternative_list = [
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
    return TemplateResponse(
        request,
        "mentoring/admin/run_review.html",
        {
            "programme": programme,
            "run": run,
            "proposals": proposals,
            "unmatched": unmatched,
            "pin_issues": pin_issues,
            "criteria": list(criteria.values()),
        },
    )


@require_POST
def run_publish(request: HttpRequest, programme_id: int, run_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    run = get_object_or_404(MatchingRun, pk=run_id, programme=programme)
    try:
        tandems = services.matching_publish(run=run, by=request.user)
    except services.MentoringError as error:
        messages.error(request, str(error.message))
        return redirect("mentoring_run_review", programme_id=programme.pk, run_id=run.pk)
    messages.success(
        request,
        ngettext(
            "Published: %(count)s tandem was proposed to its members.",
            "Published: %(count)s tandems were proposed to their members.",
            len(tandems),
        )
        % {"count": len(tandems)},
    )
    return redirect("mentoring_dashboard", programme_id=programme.pk)


@require_POST
def pair_rule(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    mentee = get_object_or_404(
        Application, pk=request.POST.get("mentee"), programme=programme, role="mentee"
    )
    mentor = get_object_or_404(
        Application, pk=request.POST.get("mentor"), programme=programme, role="mentor"
    )
    if request.POST.get("kind") == PairRule.Kind.FORBIDDEN:
        services.pair_forbid(
            programme=programme,
            mentee=mentee,
            mentor=mentor,
            by=request.user,
            reason=request.POST.get("reason", ""),
        )
        messages.success(
            request,
            _("This pair will not be proposed again. Run the matching again to see the effect."),
        )
    else:
        services.pair_pin(programme=programme, mentee=mentee, mentor=mentor, by=request.user)
        messages.success(
            request, _("The pair is pinned. Run the matching again to see the effect.")
        )
    run_id = request.POST.get("run")
    if run_id and run_id.isdigit():
        return redirect("mentoring_run_review", programme_id=programme.pk, run_id=int(run_id))
    return redirect("mentoring_dashboard", programme_id=programme.pk)


def export_csv(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Applications with their tandem, for the programme's own planning (no motivation texts)."""
    programme = _programme(request, programme_id)
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
    audit.record(action="export.csv", by=request.user, target=f"programme {programme.pk}")
    export = CsvDownload(f"mentoring-{programme.slug}.csv")
    export.row(
        [
            _("Name"),
            _("E-mail address"),
            _("Role"),
            _("Status"),
            _("Tandem with"),
            _("Tandem status"),
            _("Score"),
        ]
    )
    for application in applications:
        with_whom, tandem_status, score = partner.get(application.pk, ("", "", ""))
        export.row(
            [
                application.user.get_full_name(),
                application.user.email,
                application.get_role_display(),
                application.get_status_display(),
                with_whom,
                tandem_status,
                score,
            ]
        )
    return export.response


@require_POST
def complete_tandems(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    count = services.programme_complete_tandems(programme=programme)
    messages.success(
        request,
        ngettext("%(count)s tandem completed.", "%(count)s tandems completed.", count)
        % {"count": count},
    )
    return redirect("mentoring_dashboard", programme_id=programme.pk)
