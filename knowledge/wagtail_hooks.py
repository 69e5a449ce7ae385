"""The admin wiring: nothing of a space is shown in the Wagtail admin's choosers and explorer to
someone who may not read it; the editor says that images are not private."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks

from . import selectors


@hooks.register("construct_page_chooser_queryset")
def hide_unreadable_pages_in_chooser(pages, request):
    return selectors.readable(pages, request.user, knowledge_only=True)


@hooks.register("construct_explorer_page_queryset")
def hide_unreadable_pages_in_explorer(parent_page, pages, request):
    return selectors.readable(pages, request.user, knowledge_only=True)


@hooks.register("construct_document_chooser_queryset")
def hide_unreadable_documents_in_chooser(documents, request):
    return selectors.readable_documents(documents, request.user)


# --- Approval: in a space that requires it, only the workflow publishes -------------------------


@hooks.register("construct_page_action_menu")
def only_the_workflow_publishes(menu_items, request, context):
    page = context.get("page") if context.get("view") != "create" else context.get("parent_page")
    if request.user.is_superuser or not selectors.requires_approval(page):
        return
    menu_items[:] = [item for item in menu_items if item.name != "action-publish"]


@hooks.register("before_publish_page")
def refuse_publishing_past_the_workflow(request, page):
    if request.user.is_superuser or not selectors.requires_approval(page):
        return None
    messages.error(
        request,
        _(
            "This space requires approval: submit your change for approval instead of "
            "publishing it. It is saved as a draft."
        ),
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_bulk_action")
def refuse_bulk_publishing_past_the_workflow(request, action_type, objects, action_class_instance):
    if action_type != "publish" or request.user.is_superuser:
        return None
    if any(selectors.requires_approval(page) for page in objects):
        messages.error(
            request, _("Pages of a space that requires approval are published by its approvers.")
        )
        return redirect("wagtailadmin_home")
    return None


@hooks.register("register_reminder_sweep")
def review_sweep() -> int:
    """Review reminders to the owners of articles that are due (each once per due date); run by
    ``manage.py send_reminders`` beside the other apps' sweeps."""
    from . import services

    return services.review_reminders_send()
