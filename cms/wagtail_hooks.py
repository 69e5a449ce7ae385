from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.contrib.settings.registry import register_setting

from .models import AuditEvent, SiteSettings

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


@hooks.register("register_admin_urls")
def audit_log_urls():
    return [path("audit-log/", audit_log, name="cms_audit_log")]


@hooks.register("register_settings_menu_item")
def audit_log_menu_item():
    return SuperuserMenuItem(
        _("Audit log"), reverse("cms_audit_log"), icon_name="list-ul", order=900
    )
