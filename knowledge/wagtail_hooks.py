"""The admin wiring: nothing of a space is shown in the Wagtail admin's choosers and explorer to
someone who may not read it; the editor says that images are not private."""

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
