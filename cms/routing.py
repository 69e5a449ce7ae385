"""Routing a URL to its page in two queries, however deep the page lies.

Wagtail's ``Page.route`` walks down the tree one level at a time: two queries per level (the child
by its slug, then its specific form), eight for a lesson in a chapter of a course. The mixin below,
on the site's root page, reads every page along the path in one query, walks the same steps in
Python and loads only the final page in its specific form. A page type on the way that routes by
itself (``RoutablePageMixin``, any ``route`` of its own) gets the rest of the path, as it would
from Wagtail."""

from __future__ import annotations

import hashlib

from django.db.models import Q
from django.http import Http404
from wagtail.models import Page as WagtailPage
from wagtail.url_routing import RouteResult

from . import site_cache


def _routes_by_default(page_class) -> bool:
    return page_class is None or page_class.route in (WagtailPage.route, FastRouteMixin.route)


class FastRouteMixin:
    """Routes below this page with one query for the path and one for the page found. The page
    found carries its ancestors from this page down (``_tandem_ancestors``) for breadcrumbs."""

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)  # type: ignore[misc]
        name = "route:{}:{}".format(
            self.pk,  # type: ignore[attr-defined]
            hashlib.sha256("/".join(path_components).encode()).hexdigest(),
        )
        page = site_cache.lookup(request, name)
        if page is not None:
            return RouteResult(page)
        result = self._route_along(request, path_components)
        page, args, kwargs = result[0], result[1], result[2]
        if getattr(page, "_tandem_ancestors", None) is not None and not args and not kwargs:
            # A page reached along the tree (no page type on the way routes by itself): that
            # depends on nothing but the pages, and is kept for the shared cache's generation.
            site_cache.store(request, name, page)
        return result

    def _route_along(self, request, path_components):
        step = WagtailPage.steplen
        along_path = Q()
        for level, slug in enumerate(path_components, start=1):
            along_path |= Q(depth=self.depth + level, slug=slug)  # type: ignore[attr-defined]
        pages = list(
            type(self)
            .base_page_model.objects.filter(path__startswith=self.path)  # type: ignore[attr-defined]
            .filter(along_path)
        )
        ancestors = [self]
        parent = self
        for index, slug in enumerate(path_components):
            child = next(
                (
                    page
                    for page in pages
                    if page.slug == slug
                    and len(page.path) == len(parent.path) + step  # type: ignore[attr-defined]
                    and page.path.startswith(parent.path)  # type: ignore[attr-defined]
                ),
                None,
            )
            if child is None:
                raise Http404
            child._cached_parent_obj = parent
            remaining = path_components[index + 1 :]
            if remaining and not _routes_by_default(child.specific_class):
                return child.specific.route(request, remaining)
            if remaining:
                ancestors.append(child)
                parent = child
        if child is None:  # not reached: the path has at least one component
            raise Http404
        page = child.specific
        page._cached_parent_obj = parent
        if not _routes_by_default(type(page)):
            return page.route(request, [])
        if not page.live:
            raise Http404
        page._tandem_ancestors = ancestors
        return RouteResult(page)
