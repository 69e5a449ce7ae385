from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.contrib.settings.registry import register_setting
from wagtail.models import BaseViewRestriction

from . import outbox
from .models import AuditEvent, OutgoingMail, SiteSettings

register_setting(SiteSettings, icon="cog")


@hooks.register("insert_global_admin_js")
def name_rich_text_editors():
    """Rich-text editors get the accessible name of their field (wagtail/wagtail#14205)."""
    return format_html('<script src="{}"></script>', static("cms/admin/draftail-labels.js"))


def audit_log(request):
    """The audit log for superusers: filter by action or pseudonymous id."""
    if not request.user.is_superuser:
        raise PermissionDenied
    events = AuditEvent.objects.all()
    action, person = request.GET.get("action", "").strip(), request.GET.get("person", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    if person:
        from django.db.models import Q

        events = events.filter(Q(actor=person) | Q(subject=person))
    page = Paginator(events, 50).get_page(request.GET.get("p"))
    return TemplateResponse(
        request, "cms/admin/audit_log.html", {"page": page, "action": action, "person": person}
    )


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


def outbox_list(request):
    """The outbox for superusers: every recorded e-mail, filtered by status, newest first."""
    if not request.user.is_superuser:
        raise PermissionDenied
    mails = OutgoingMail.objects.all()
    status = request.GET.get("status", "")
    if status in OutgoingMail.Status.values:
        mails = mails.filter(status=status)
    else:
        status = ""
    page = Paginator(mails, 50).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "cms/admin/outbox.html",
        {
            "page": page,
            "status": status,
            "statuses": OutgoingMail.Status.choices,
            "backlog": outbox.backlog(),
        },
    )


def outbox_retry(request, pk: int):
    """Send a mail that failed for good again, after a confirmation."""
    if not request.user.is_superuser:
        raise PermissionDenied
    mail = get_object_or_404(OutgoingMail, pk=pk)
    if mail.status != OutgoingMail.Status.FAILED:
        messages.warning(request, gettext("This e-mail has not failed; nothing to do."))
        return redirect("cms_outbox")
    if request.method == "POST":
        with transaction.atomic():
            outbox.retry([mail.pk])
        messages.success(request, gettext("The e-mail is queued to be sent again."))
        return redirect(f"{reverse('cms_outbox')}?status=failed")
    return TemplateResponse(request, "cms/admin/outbox_retry.html", {"mail": mail})


@hooks.register("register_admin_urls")
def audit_log_urls():
    return [
        path("audit-log/", audit_log, name="cms_audit_log"),
        path("outbox/", outbox_list, name="cms_outbox"),
        path("outbox/<int:pk>/retry/", outbox_retry, name="cms_outbox_retry"),
    ]


@hooks.register("register_settings_menu_item")
def outbox_menu_item():
    return SuperuserMenuItem(
        _("Outgoing e-mails"), reverse("cms_outbox"), icon_name="mail", order=910
    )


@hooks.register("register_settings_menu_item")
def audit_log_menu_item():
    return SuperuserMenuItem(
        _("Audit log"), reverse("cms_audit_log"), icon_name="list-ul", order=900
    )


# --- View restrictions for people who are signed in -----------------------------------------------
# Wagtail sends everyone who fails a group restriction to the login page. A person who is already
# signed in is sent straight back by the login page: the browser gives up after twenty redirects.
# She is told instead that the page (or document) is not for her account (403, no title shown).


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _fails_group_restriction(restrictions, request) -> bool:
    return any(
        restriction.restriction_type == BaseViewRestriction.GROUPS
        and not restriction.accept_request(request)
        for restriction in restrictions
    )


@hooks.register("on_serve_page", order=-1)  # outside Wagtail's own check
def signed_in_but_not_in_the_group(callback):
    def inner(page, request, serve_args, serve_kwargs):
        if _signed_in(request):
            restrictions = list(page.get_view_restrictions())
            if _fails_group_restriction(restrictions, request):
                raise PermissionDenied
            if not restrictions:
                # Wagtail's own check (inside) and the page's context read the restrictions
                # again: an unrestricted page answers them without a second query.
                from wagtail.models import PageViewRestriction

                page.get_view_restrictions = PageViewRestriction.objects.none
        return callback(page, request, serve_args, serve_kwargs)

    return inner


@hooks.register("before_serve_document", order=-1)
def document_for_other_groups(document, request):
    if _signed_in(request) and _fails_group_restriction(
        document.collection.get_view_restrictions(), request
    ):
        raise PermissionDenied
    return None
