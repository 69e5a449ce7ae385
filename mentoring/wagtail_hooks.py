from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.personal import MeSection

from . import admin_views
from .forms import ProgrammeAdminForm
from .models import Programme, ProgrammeLogEntry
from .selectors import managed_programmes


class ManagedProgrammeOnly:
    """Every view of one programme (edit, history, usage, delete, copy, inspect, locks, revisions)
    answers only the programme's own managers (and superusers); others get 404, not even a hint."""

    def get_object(self, *args, **kwargs):
        programme = super().get_object(*args, **kwargs)
        if not managed_programmes(self.request.user).filter(pk=programme.pk).exists():
            raise Http404
        return programme


def _managed(view_class):
    return type(f"Managed{view_class.__name__}", (ManagedProgrammeOnly, view_class), {})


ProgrammeEditView = _managed(snippet_views.EditView)


class ProgrammeViewSet(SnippetViewSet):
    model = Programme
    edit_view_class = ProgrammeEditView
    delete_view_class = _managed(snippet_views.DeleteView)
    copy_view_class = _managed(snippet_views.CopyView)
    usage_view_class = _managed(snippet_views.UsageView)
    history_view_class = _managed(snippet_views.HistoryView)
    inspect_view_class = _managed(snippet_views.InspectView)
    lock_view_class = _managed(snippet_views.LockView)
    unlock_view_class = _managed(snippet_views.UnlockView)
    icon = "group"
    menu_label = _("Mentoring programmes")
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["title", "applications_close", "matching_on", "starts_on"]
    edit_handler = ObjectList(Programme.panels, base_form_class=ProgrammeAdminForm)

    def get_queryset(self, request):
        return managed_programmes(request.user)


register_snippet(ProgrammeViewSet)


@hooks.register("register_log_actions")
def programme_history(actions):
    """Programmes' admin history in their own log entry model, scoped to each one's managers."""
    actions.register_model(Programme, ProgrammeLogEntry)


@hooks.register("register_admin_urls")
def mentoring_admin_urls():
    return [
        path("mentoring/<int:programme_id>/", admin_views.dashboard, name="mentoring_dashboard"),
        path(
            "mentoring/<int:programme_id>/applications/<int:application_id>/",
            admin_views.application_decide,
            name="mentoring_application_decide",
        ),
        path("mentoring/<int:programme_id>/run/", admin_views.run_matching, name="mentoring_run"),
        path(
            "mentoring/<int:programme_id>/runs/<int:run_id>/",
            admin_views.run_review,
            name="mentoring_run_review",
        ),
        path(
            "mentoring/<int:programme_id>/runs/<int:run_id>/publish/",
            admin_views.run_publish,
            name="mentoring_run_publish",
        ),
        path(
            "mentoring/<int:programme_id>/pairs/", admin_views.pair_rule, name="mentoring_pair_rule"
        ),
        path(
            "mentoring/<int:programme_id>/export.csv",
            admin_views.export_csv,
            name="mentoring_export",
        ),
        path(
            "mentoring/<int:programme_id>/mentees/<int:application_id>/pair/",
            admin_views.mentee_pair,
            name="mentoring_mentee_pair",
        ),
        path(
            "mentoring/<int:programme_id>/mentees/<int:application_id>/wait/",
            admin_views.mentee_wait,
            name="mentoring_mentee_wait",
        ),
        path(
            "mentoring/<int:programme_id>/mentors/<int:application_id>/place/",
            admin_views.mentor_place,
            name="mentoring_mentor_place",
        ),
        path(
            "mentoring/<int:programme_id>/end/",
            admin_views.programme_end,
            name="mentoring_programme_end",
        ),
        path(
            "mentoring/<int:programme_id>/endings/<int:ending_id>/",
            admin_views.programme_ending,
            name="mentoring_ending",
        ),
        path(
            "mentoring/<int:programme_id>/endings/<int:ending_id>/undo/",
            admin_views.programme_ending_undo,
            name="mentoring_ending_undo",
        ),
    ]


@hooks.register("register_admin_menu_item")
def mentoring_dashboard_menu_item():
    return MenuItem(_("Matching"), reverse("mentoring_dashboards"), icon_name="link", order=261)


@hooks.register("register_admin_urls")
def mentoring_dashboard_index_url():
    return [path("mentoring/", admin_views.dashboards, name="mentoring_dashboards")]


@hooks.register("register_me_section")
def my_mentoring_section(request):
    return MeSection(
        title=_("My mentoring"),
        url=reverse("mentoring:mine"),
        order=20,
        description=_("Your applications, proposed and active tandems."),
    )


@hooks.register("register_me_section")
def my_sessions_section(request):
    return MeSection(
        title=_("My sessions"),
        url=reverse("mentoring:sessions"),
        order=21,
        description=_("Book, move and join video sessions with your tandem partner."),
    )


@hooks.register("register_reminder_sweep")
def session_sweep() -> int:
    """Session reminders (24 h and 1 h before, each exactly once) and no-shows flagged; run by
    ``manage.py send_reminders`` beside the other apps' sweeps."""
    from .sessions import services as session_services

    session_services.sessions_flag_no_shows()
    return session_services.reminders_send_due()
