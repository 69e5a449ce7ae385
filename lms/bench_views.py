"""Instruments for `make bench-load` (bench/load), off unless ``TANDEM_BENCH`` is on (environment
variable ``TANDEM_BENCH=true``; never on a site people use):

* ``/_bench/trivial/``: a view that does no database work of its own, behind the same middleware
  as every page: the throughput limit of the stack that each page is compared with. Signed in
  (with a session cookie) the middleware loads the session and the person, as for any page.
* ``X-Tandem-Queries``: the number of database queries a request made, as a response header
  (``QueryCountMiddleware``, the outermost middleware, so the session, the person and every other
  middleware's queries count too).

Switched off, the view answers 404 and the middleware removes itself when the server starts
(``MiddlewareNotUsed``): nothing is counted, nothing is added."""

from __future__ import annotations

from contextlib import ExitStack

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

QUERIES_HEADER = "X-Tandem-Queries"


def enabled() -> bool:
    return bool(getattr(settings, "TANDEM_BENCH", False))


@never_cache
def trivial(request: HttpRequest) -> HttpResponse:
    """A few bytes of text; whether the visitor is signed in, so that the middleware's look-up of
    the person is part of the signed-in measurement as it is of every signed-in page."""
    if not enabled():
        raise Http404
    signed_in = "yes" if request.user.is_authenticated else "no"
    return HttpResponse(f"ok, signed in: {signed_in}\n", content_type="text/plain; charset=utf-8")


class QueryCountMiddleware:
    """Counts the database queries of each request (every configured database) into
    ``X-Tandem-Queries``. A streamed response's later queries are not counted."""

    def __init__(self, get_response):
        if not enabled():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(counter))
            response = self.get_response(request)
        response[QUERIES_HEADER] = str(count)
        return response
