from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms.errors import add_to_form

from . import selectors, services
from .forms import (
    AgreementForm,
    ApplicationForm,
    DecisionForm,
    EndTandemForm,
    FeedbackForm,
    GoalForm,
    GoalProgressForm,
    MentorRequestForm,
    PauseForm,
)
from .models import Application, FeedbackResponse, Goal, ProgrammePage, Role, Tandem


@login_required
def apply(request: HttpRequest, page_id: int, role: str) -> HttpResponse:
    page = get_object_or_404(ProgrammePage.objects.live().select_related("programme"), pk=page_id)
    if role not in Role.values:
        raise Http404
    programme = page.programme
    form = ApplicationForm(request.POST or None, programme=programme, role=role)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(
                programme=programme,
                by=request.user,
                role=role,
                answers=form.answers(),
                motivation=form.cleaned_data.get("motivation", ""),
                shared_profile=form.cleaned_data.get("shared_profile", ""),
                capacity=form.cleaned_data.get("capacity"),
                consent=form.cleaned_data["consent"],
            )
        except services.MentoringError as error:
            add_to_form(form, error, field_prefix="c_")
        else:
            messages.success(
                request,
                _("Thank you for your application. You can follow its status in your area."),
            )
            return redirect("mentoring:mine")
    return render(
        request,
        "mentoring/apply.html",
        {
            "page": page,
            "programme": programme,
            "form": form,
            "role": role,
            "role_label": Role(role).label,
            "open": page.applications_open(),
        },
    )


@login_required
def my_mentoring(request: HttpRequest) -> HttpResponse:
    return _my_mentoring_page(request)


def _my_mentoring_page(
    request: HttpRequest, *, request_error: tuple[int, str] | None = None
) -> HttpResponse:
    """ "My mentoring"; ``request_error`` is (application id, message) of a request form that
    could not be sent, shown above that programme's suggestions."""
    mine = selectors.my_mentoring(user=request.user)
    shown_with_suggestions = request_error is not None and any(
        application.pk == request_error[0] for application, _suggestions in mine.choosing
    )
    return render(
        request,
        "mentoring/my_mentoring.html",
        {
            "applications": mine.applications,
            "tandems": mine.tandems,
            "choosing": mine.choosing,
            "request_error": request_error,
            "page_error": request_error[1] if request_error and not shown_with_suggestions else "",
        },
        status=400 if request_error else 200,
    )


@login_required
@require_POST
def mentee_request(request: HttpRequest, application_id: int) -> HttpResponse:
    application = get_object_or_404(
        Application, pk=application_id, user=request.user, role=Role.MENTEE
    )
    form = MentorRequestForm(request.POST)
    if not form.is_valid():
        return _my_mentoring_page(request, request_error=(application.pk, form.errors["mentor"][0]))
    mentor = get_object_or_404(
        Application,
        pk=form.cleaned_data["mentor"],
        programme=application.programme,
        role=Role.MENTOR,
    )
    try:
        services.mentee_request(application=application, mentor=mentor)
    except services.MentoringError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your request has been sent. The mentor will answer soon."))
    return redirect("mentoring:mine")


@login_required
@require_POST
def tandem_respond(request: HttpRequest, tandem_id: int) -> HttpResponse:
    tandem = get_object_or_404(Tandem.objects.select_related("mentee", "mentor"), pk=tandem_id)
    if request.user.pk not in (tandem.mentee.user_id, tandem.mentor.user_id):
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors["decision"][0])
    accept = form.accept
    try:
        services.tandem_respond(
            tandem=tandem, by=request.user, accept=accept, reason=form.cleaned_data["reason"]
        )
    except services.MentoringError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Thank you. Your answer has been recorded.")
            if accept
            else _("You have declined. The programme management will look for another match."),
        )
    return redirect("mentoring:mine")


@login_required
def application_withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    """GET asks first (what withdrawing means for the consent, a proposal and applying again);
    POST withdraws."""
    application = get_object_or_404(
        Application.objects.select_related("programme"), pk=application_id, user=request.user
    )
    if request.method != "POST":
        return render(request, "mentoring/withdraw_confirm.html", {"application": application})
    services.application_withdraw(application=application)
    messages.success(request, _("Your application has been withdrawn and your consent revoked."))
    return redirect("mentoring:mine")


@login_required
@require_POST
def application_pause(request: HttpRequest, application_id: int) -> HttpResponse:
    application = get_object_or_404(
        Application, pk=application_id, user=request.user, role=Role.MENTOR
    )
    form = PauseForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors["paused"][0])
    paused = form.cleaned_data["paused"]
    services.application_set_paused(application=application, paused=paused)
    messages.success(
        request,
        _("You are paused and will not be proposed for now.")
        if paused
        else _("You can be proposed again."),
    )
    return redirect("mentoring:mine")


@login_required
def feedback(request: HttpRequest, tandem_id: int, phase: str) -> HttpResponse:
    tandem = get_object_or_404(
        Tandem.objects.select_related("programme", "mentee", "mentor"), pk=tandem_id
    )
    if request.user.pk not in (tandem.mentee.user_id, tandem.mentor.user_id):
        raise Http404
    if phase not in FeedbackResponse.Phase.values:
        raise Http404
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(
                tandem=tandem, by=request.user, phase=phase, **form.cleaned_data
            )
        except services.MentoringError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect("mentoring:mine")
    return render(
        request,
        "mentoring/feedback.html",
        {"tandem": tandem, "form": form, "phase_label": FeedbackResponse.Phase(phase).label},
    )


def _my_tandem(request: HttpRequest, tandem_id: int) -> Tandem:
    return get_object_or_404(
        Tandem.objects.of_member(request.user),
        pk=tandem_id,
        status__in=[Tandem.Status.ACTIVE, Tandem.Status.COMPLETED],
    )


@login_required
def tandem_detail(request: HttpRequest, tandem_id: int) -> HttpResponse:
    """The tandem's own page: agreement both confirm, and goals with progress."""
    tandem = _my_tandem(request, tandem_id)
    agreement = selectors.tandem_agreement(tandem=tandem)
    initial = (
        {
            "rhythm": agreement.rhythm,
            "rhythm_note": agreement.rhythm_note,
            "confidentiality": agreement.confidentiality,
        }
        if agreement
        else {}
    )
    action = request.POST.get("form") if request.method == "POST" else None
    agreement_form = AgreementForm(request.POST if action == "agreement" else None, initial=initial)
    goal_form = GoalForm(request.POST if action == "goal" else None)
    progress_form = GoalProgressForm(request.POST if action == "progress" else None)
    end_form = EndTandemForm(request.POST if action == "end" else None)
    if request.method == "POST":
        try:
            if action == "agreement" and agreement_form.is_valid():
                services.agreement_save(
                    tandem=tandem, by=request.user, **agreement_form.cleaned_data
                )
                messages.success(
                    request, _("The agreement has been saved. Both of you please confirm it.")
                )
                return redirect("mentoring:tandem", tandem_id=tandem.pk)
            if action == "confirm":
                services.agreement_confirm(tandem=tandem, by=request.user)
                messages.success(request, _("You have confirmed the agreement."))
                return redirect("mentoring:tandem", tandem_id=tandem.pk)
            if action == "goal" and goal_form.is_valid():
                services.goal_add(
                    tandem=tandem, by=request.user, title=goal_form.cleaned_data["title"]
                )
                return redirect("mentoring:tandem", tandem_id=tandem.pk)
            if action == "end" and end_form.is_valid():
                services.tandem_end_early(
                    tandem=tandem, by=request.user, reason=end_form.cleaned_data["reason"]
                )
                messages.success(
                    request, _("The tandem has been ended. Thank you for your commitment.")
                )
                return redirect("mentoring:mine")
            if action == "progress" and progress_form.is_valid():
                goal = get_object_or_404(Goal, pk=progress_form.cleaned_data["goal"], tandem=tandem)
                services.goal_set_progress(
                    goal=goal, by=request.user, progress=progress_form.cleaned_data["progress"]
                )
                return redirect("mentoring:tandem", tandem_id=tandem.pk)
        except services.MentoringError as error:
            messages.error(request, str(error.message))
    is_mentee = request.user.pk == tandem.mentee.user_id
    forms = (agreement_form, goal_form, progress_form, end_form)
    return render(
        request,
        "mentoring/tandem.html",
        {
            "tandem": tandem,
            "agreement": agreement,
            "agreement_form": agreement_form,
            "goal_form": goal_form,
            "progress_form": progress_form,
            "goals": list(tandem.goals.all()),
            "partner": tandem.mentor.user if is_mentee else tandem.mentee.user,
            "i_confirmed": bool(
                agreement
                and (agreement.mentee_confirmed_at if is_mentee else agreement.mentor_confirmed_at)
            ),
        },
        status=400 if any(form.errors for form in forms) else 200,
    )
