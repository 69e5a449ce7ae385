"""The Wiki-Team's page of a space and the readers' actions on an article. Thin: a form, one
service, a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms.errors import ServiceError

from . import selectors, services
from .forms import MemberForm, SpaceSettingsForm
from .models import KnowledgeArticlePage, KnowledgeSpacePage, SpaceRole


def _managed_space(request: HttpRequest, space_id: int) -> KnowledgeSpacePage:
    space = get_object_or_404(KnowledgeSpacePage, pk=space_id)
    if not selectors.can_manage(space, request.user):
        raise Http404
    return space


def _readable_article(request: HttpRequest, article_id: int) -> KnowledgeArticlePage:
    article = get_object_or_404(KnowledgeArticlePage.objects.live(), pk=article_id)
    if not selectors.can_read(article, request.user):
        raise Http404
    return article


@login_required
def space_manage(request: HttpRequest, space_id: int) -> HttpResponse:
    space = _managed_space(request, space_id)
    manage_url = reverse("knowledge:manage", args=[space.pk])
    settings_form = SpaceSettingsForm(
        initial={"visibility": space.visibility, "requires_approval": space.requires_approval}
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("add", "remove"):
                form = MemberForm(request.POST)
                if not form.is_valid():
                    for errors in form.errors.values():
                        messages.error(request, " ".join(errors))
                    return redirect(manage_url)
                person, role = form.cleaned_data["user"], form.cleaned_data["role"]
                if action == "add":
                    services.space_member_add(space=space, role=role, user=person, by=request.user)
                    messages.success(
                        request,
                        _("%(name)s now belongs to the %(role)s.")
                        % {
                            "name": person.get_full_name() or person.email,
                            "role": SpaceRole(role).label,
                        },
                    )
                else:
                    services.space_member_remove(
                        space=space, role=role, user=person, by=request.user
                    )
                    messages.success(
                        request,
                        _("%(name)s no longer belongs to the %(role)s.")
                        % {
                            "name": person.get_full_name() or person.email,
                            "role": SpaceRole(role).label,
                        },
                    )
                return redirect(manage_url)
            if action == "settings":
                settings_form = SpaceSettingsForm(request.POST)
                if settings_form.is_valid():
                    services.space_settings_change(
                        space=space,
                        visibility=settings_form.cleaned_data["visibility"],
                        requires_approval=settings_form.cleaned_data["requires_approval"],
                        by=request.user,
                    )
                    messages.success(request, _("The settings of the space have been saved."))
                    return redirect(manage_url)
            else:
                messages.error(request, _("Please choose an action."))
                return redirect(manage_url)
        except ServiceError as error:
            messages.error(request, str(error.message))
            return redirect(manage_url)
    context = selectors.manage_context(space, query=request.GET.get("q", ""))
    context.update({"space": space, "settings_form": settings_form, "roles": SpaceRole})
    return render(request, "knowledge/manage_space.html", context)


@login_required
@require_POST
def article_confirm(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _readable_article(request, article_id)
    try:
        services.article_confirm_read(article=article, user=request.user)
        messages.success(
            request, _("Thank you: you have confirmed that you read and understood it.")
        )
    except ServiceError as error:
        messages.error(request, str(error.message))
    return redirect(article.url or "/")


@login_required
@require_POST
def article_reviewed(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _readable_article(request, article_id)
    try:
        services.article_mark_reviewed(article=article, by=request.user)
        messages.success(
            request, _("Recorded: reviewed, no changes. The next review is due later.")
        )
    except ServiceError as error:
        messages.error(request, str(error.message))
    return redirect(article.url or "/")


@login_required
def article_confirmations(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _readable_article(request, article_id)
    space = selectors.space_of(article)
    if space is None or not selectors.can_manage(space, request.user):
        raise Http404
    if request.method == "POST":
        count = services.confirmation_reminders_send(article=article, by=request.user)
        messages.success(request, _("A reminder was sent to %(count)d people.") % {"count": count})
        return redirect(reverse("knowledge:confirmations", args=[article.pk]))
    overview = selectors.confirmation_overview(article)
    return render(
        request,
        "knowledge/confirmations.html",
        {"article": article, "space": space, **overview},
    )
