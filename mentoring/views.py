from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import ApplicationForm, FeedbackForm
from .models import Application, FeedbackResponse, ProgrammePage, Role, Tandem


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
                programme=programme, user=request.user, role=role, answers=form.answers(),
                motivation=form.cleaned_data.get("motivation", ""), capacity=form.cleaned_data.get("capacity"),
                consent=form.cleaned_data["consent"])
        except services.MentoringError as error:
            field = f"c_{error.field}" if error.field and f"c_{error.field}" in form.fields else None
            form.add_error(field, str(error.message))
        else:
            messages.success(request, _("Thank you for your application. You can follow its status in your area."))
            return redirect("mentoring:mine")
    return render(request, "mentoring/apply.html", {
        "page": page, "programme": programme, "form": form, "role": role,
        "role_label": Role(role).label, "open": page.applications_open(),
    })


@login_required
def my_mentoring(request: HttpRequest) -> HttpResponse:
    applications = (Application.objects.filter(user=request.user).select_related("programme")
                    .order_by("-submitted_at"))
    tandems = (Tandem.objects.filter(mentee__user=request.user) | Tandem.objects.filter(mentor__user=request.user))
    tandems = tandems.select_related("programme", "mentee__user", "mentor__user").order_by("-created_at")
    return render(request, "mentoring/my_mentoring.html", {"applications": applications, "tandems": tandems})


@login_required
@require_POST
def tandem_respond(request: HttpRequest, tandem_id: int) -> HttpResponse:
    tandem = get_object_or_404(Tandem.objects.select_related("mentee", "mentor"), pk=tandem_id)
    if request.user.pk not in (tandem.mentee.user_id, tandem.mentor.user_id):
        raise Http404
    decision = request.POST.get("decision")
    if decision not in {"accept", "decline"}:
        return HttpResponseBadRequest(_("Please accept or decline."))
    accept = decision == "accept"
    try:
        services.tandem_respond(tandem=tandem, user=request.user, accept=accept,
                                reason=request.POST.get("reason", ""))
    except services.MentoringError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Thank you. Your answer has been recorded.") if accept
                         else _("You have declined. The programme management will look for another match."))
    return redirect("mentoring:mine")


@login_required
@require_POST
def application_withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    application = get_object_or_404(Application, pk=application_id, user=request.user)
    services.application_withdraw(application=application)
    messages.success(request, _("Your application has been withdrawn and your consent revoked."))
    return redirect("mentoring:mine")


@login_required
@require_POST
def application_pause(request: HttpRequest, application_id: int) -> HttpResponse:
    application = get_object_or_404(Application, pk=application_id, user=request.user, role=Role.MENTOR)
    paused = request.POST.get("paused") == "1"
    services.application_set_paused(application=application, paused=paused)
    messages.success(request, _("You are paused and will not be proposed for now.") if paused
                     else _("You can be proposed again."))
    return redirect("mentoring:mine")


@login_required
def feedback(request: HttpRequest, tandem_id: int, phase: str) -> HttpResponse:
    tandem = get_object_or_404(Tandem.objects.select_related("programme", "mentee", "mentor"), pk=tandem_id)
    if request.user.pk not in (tandem.mentee.user_id, tandem.mentor.user_id):
        raise Http404
    if phase not in FeedbackResponse.Phase.values:
        raise Http404
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(tandem=tandem, user=request.user, phase=phase, **form.cleaned_data)
        except services.MentoringError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect("mentoring:mine")
    return render(request, "mentoring/feedback.html", {
        "tandem": tandem, "form": form, "phase_label": FeedbackResponse.Phase(phase).label})
