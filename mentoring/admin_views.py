"""The programme management's matching workspace in the Wagtail admin. Only managers of a
programme (and superusers) see it; everyone else gets 404."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cms.export import CsvDownload

from . import conf, selectors, services
from .forms import (
    DecisionForm,
    ManualPairForm,
    PairRuleForm,
    ProgrammeEndForm,
    RaiseCapacityForm,
)
from .models import Application, MatchingRun, PairRule, Programme, ProgrammeEnding, Tandem


def _programme(request: HttpRequest, programme_id: int) -> Programme:
    programme = selectors.managed_programmes(request.user).filter(pk=programme_id).first()
    if programme is None:
        raise Http404
    return programme


def dashboards(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "mentoring/admin/dashboards.html",
        {"programmes": selectors.managed_programmes(request.user)},
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
    data = selectors.programme_dashboard(programme=programme)
    published, scores = data.pop("published"), data.pop("scores")
    return TemplateResponse(
        request,
        "mentoring/admin/dashboard.html",
        {
            "programme": programme,
            **data,
            "tandem_chart": bar_chart([(str(label), n) for label, n in data["tandem_counts"]]),
            "matching_chart": bar_chart(
                [
                    (_("matched"), published.matched_count if published else 0),
                    (_("without a mentor"), len(published.unmatched) if published else 0),
                ]
            ),
            "histogram": score_histogram(scores),
            "unmatched": selectors.unmatched_mentees(programme=programme),
            "mentors": selectors.mentor_loads(programme=programme),
        },
    )


@require_POST
def application_decide(
    request: HttpRequest, programme_id: int, application_id: int
) -> HttpResponse:
    programme = _programme(request, programme_id)
    application = get_object_or_404(Application, pk=application_id, programme=programme)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors["decision"][0])
    accept = form.accept
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
    return TemplateResponse(
        request,
        "mentoring/admin/run_review.html",
        {"programme": programme, "run": run, **selectors.run_review(run=run)},
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
    form = PairRuleForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(next(iter(form.errors.values()))[0])
    mentee = get_object_or_404(
        Application, pk=form.cleaned_data["mentee"], programme=programme, role="mentee"
    )
    mentor = get_object_or_404(
        Application, pk=form.cleaned_data["mentor"], programme=programme, role="mentor"
    )
    if form.cleaned_data["kind"] == PairRule.Kind.FORBIDDEN:
        services.pair_forbid(
            programme=programme,
            mentee=mentee,
            mentor=mentor,
            by=request.user,
            reason=form.cleaned_data["reason"],
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
    if form.cleaned_data["run"]:
        return redirect(
            "mentoring_run_review", programme_id=programme.pk, run_id=form.cleaned_data["run"]
        )
    return redirect("mentoring_dashboard", programme_id=programme.pk)


def export_csv(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Applications with their tandem, for the programme's own planning (no motivation texts)."""
    programme = _programme(request, programme_id)
    rows = services.programme_export(programme=programme, by=request.user)
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
    for row in rows:
        export.row(
            [
                row.name,
                row.email,
                row.role,
                row.status,
                row.tandem_with,
                row.tandem_status,
                row.score,
            ]
        )
    return export.response


def _mentee(programme: Programme, application_id: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("user"),
        pk=application_id,
        programme=programme,
        role="mentee",
        status=Application.Status.ACCEPTED,
    )


def _mentor(programme: Programme, application_id: int | None) -> Application:
    return get_object_or_404(
        Application.objects.select_related("user", "programme"),
        pk=application_id,
        programme=programme,
        role="mentor",
        status=Application.Status.ACCEPTED,
    )


@require_POST
def mentee_pair(request: HttpRequest, programme_id: int, application_id: int) -> HttpResponse:
    """Pair a mentee without a mentor by hand. A full mentor: the manager is asked first, either
    to pair above her places or (with her consent) to give her one more place."""
    programme = _programme(request, programme_id)
    mentee = _mentee(programme, application_id)
    form = ManualPairForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect(reverse("mentoring_dashboard", args=[programme.pk]) + "#unmatched")
    mentor = _mentor(programme, form.cleaned_data["mentor"])
    try:
        if request.POST.get("add_place"):
            mentor = services.mentor_add_place(
                mentor=mentor, by=request.user, consented=bool(request.POST.get("consented"))
            )
        services.tandem_pair_by_hand(
            mentee=mentee,
            mentor=mentor,
            by=request.user,
            over_capacity=form.cleaned_data["over_capacity"],
        )
    except services.MentoringError as error:
        if error.code in ("over_capacity", "consent_required"):
            mentor = _mentor(programme, mentor.pk)
            load = mentor.mentor_tandems.filter(status__in=Tandem.OPEN_STATUSES).count()
            return TemplateResponse(
                request,
                "mentoring/admin/pair_confirm.html",
                {
                    "programme": programme,
                    "mentee": mentee,
                    "mentor": mentor,
                    "load": load,
                    "places": mentor.capacity or programme.default_mentor_capacity,
                    "error": error.message if error.code == "consent_required" else "",
                    "raise_form": RaiseCapacityForm(),
                },
                status=400 if error.code == "consent_required" else 200,
            )
        messages.error(request, str(error.message))
        return redirect(reverse("mentoring_dashboard", args=[programme.pk]) + "#unmatched")
    messages.success(
        request,
        _("Proposed: %(mentee)s with %(mentor)s. Both are asked to accept.")
        % {
            "mentee": mentee.user.get_full_name() or mentee.user.email,
            "mentor": mentor.user.get_full_name() or mentor.user.email,
        },
    )
    return redirect("mentoring_dashboard", programme_id=programme.pk)


@require_POST
def mentor_place(request: HttpRequest, programme_id: int, application_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    mentor = _mentor(programme, application_id)
    form = RaiseCapacityForm({**request.POST.dict(), "mentor": mentor.pk})
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
    else:
        try:
            mentor = services.mentor_add_place(mentor=mentor, by=request.user, consented=True)
        except services.MentoringError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("%(name)s now accompanies up to %(places)s mentees; she has been told.")
                % {
                    "name": mentor.user.get_full_name() or mentor.user.email,
                    "places": mentor.capacity,
                },
            )
    return redirect(reverse("mentoring_dashboard", args=[programme.pk]) + "#mentor-places")


@require_POST
def mentee_wait(request: HttpRequest, programme_id: int, application_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    mentee = _mentee(programme, application_id)
    services.mentee_waitlist(mentee=mentee, by=request.user)
    messages.success(
        request,
        _("%(name)s is on the waiting list and has been told.")
        % {"name": mentee.user.get_full_name() or mentee.user.email},
    )
    return redirect(reverse("mentoring_dashboard", args=[programme.pk]) + "#unmatched")


def programme_end(request: HttpRequest, programme_id: int) -> HttpResponse:
    """The "end the programme" step: what will happen to whom, then the confirmed action."""
    programme = _programme(request, programme_id)
    form = ProgrammeEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ending = services.programme_end(
                programme=programme,
                by=request.user,
                early_reason=form.cleaned_data["early_reason"],
            )
        except services.MentoringError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            count = ending.tandems.count()
            messages.success(
                request,
                ngettext(
                    "The programme has ended: %(count)s tandem was completed.",
                    "The programme has ended: %(count)s tandems were completed.",
                    count,
                )
                % {"count": count},
            )
            return redirect("mentoring_ending", programme_id=programme.pk, ending_id=ending.pk)
    preview = selectors.programme_end_preview(programme=programme)
    return TemplateResponse(
        request,
        "mentoring/admin/programme_end.html",
        {
            "programme": programme,
            "form": form,
            "undo_days": conf.get("PROGRAMME_END_UNDO_DAYS"),
            **preview,
        },
        status=400 if request.method == "POST" else 200,
    )


def programme_ending(request: HttpRequest, programme_id: int, ending_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    ending = get_object_or_404(ProgrammeEnding, pk=ending_id, programme=programme)
    undo_until = services.programme_end_undo_until(ending)
    return TemplateResponse(
        request,
        "mentoring/admin/programme_ending.html",
        {
            "programme": programme,
            "ending": ending,
            "undo_until": undo_until,
            "can_undo": not ending.undone_at and timezone.now() <= undo_until,
            **selectors.programme_ending_detail(ending=ending),
        },
    )


@require_POST
def programme_ending_undo(request: HttpRequest, programme_id: int, ending_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    ending = get_object_or_404(ProgrammeEnding, pk=ending_id, programme=programme)
    try:
        reopened = services.programme_end_undo(ending=ending, by=request.user)
    except services.MentoringError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            ngettext(
                "Undone: %(count)s tandem is active again. Its cancelled sessions stay cancelled;"
                " both members were asked to book again.",
                "Undone: %(count)s tandems are active again. Their cancelled sessions stay"
                " cancelled; the members were asked to book again.",
                len(reopened),
            )
            % {"count": len(reopened)},
        )
    return redirect("mentoring_ending", programme_id=programme.pk, ending_id=ending.pk)
