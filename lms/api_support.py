"""What every endpoint under /api/v1/ shares: one error shape (documented in the schema for every
operation by ``AutoSchema``, the DEFAULT_SCHEMA_CLASS) and one pagination."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination, parsers
from rest_framework.views import exception_handler as drf_exception_handler

from cms.errors import UNPROCESSABLE_CODES, ServiceError

INVALID_INPUT = _("The input is not valid. Please check the marked fields.")


def _flatten(detail) -> dict:
    """DRF error details as plain strings, keyed by field name."""
    if isinstance(detail, dict):
        return {key: _messages(value) for key, value in detail.items()}
    return {"non_field_errors": _messages(detail)}


def _messages(value):
    if isinstance(value, dict):
        return _flatten(value)
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return [_flatten(item) for item in value]
        return [str(item) for item in value]
    return [str(value)]


def error_body(*, status: int, code: str, detail: str, fields: dict | None = None) -> dict:
    body = {"status": status, "code": code, "detail": detail}
    if fields:
        body["fields"] = fields
    return body


class Conflict(exceptions.APIException):
    status_code = 409
    default_code = "conflict"


def _leaf_codes(codes) -> set[str]:
    if isinstance(codes, dict):
        return set().union(*(_leaf_codes(value) for value in codes.values())) if codes else set()
    if isinstance(codes, list):
        return set().union(*(_leaf_codes(value) for value in codes)) if codes else set()
    return {str(codes)}


def exception_handler(exc, context):
    """Every API error answers {"status", "code", "detail"[, "fields"]}. A service's rule
    (``cms.errors.ServiceError``) answers 409 for a conflict (the object is not in the state the
    action needs), 422 for well-formed input a rule refuses, else 400 like invalid input: with its
    ``code`` when it is not about one field, and its message under ``fields``. Input that names an
    object that does not exist (or is not one the person may use) answers 404 ``not_found`` with
    the field; input whose every error is a refused rule answers 422 with that rule's code."""
    if isinstance(exc, ServiceError):
        if exc.is_conflict:
            exc = Conflict(detail=str(exc.message), code=exc.code)
        else:
            exc = exceptions.ValidationError(
                {exc.field or "non_field_errors": [str(exc.message)]}, code=exc.code
            )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        codes = exc.get_codes()
        leaves = _leaf_codes(codes)
        # A rule that is not about one field (e.g. "closed") keeps its own code for clients.
        rule = (
            codes.get("non_field_errors") if isinstance(codes, dict) and len(codes) == 1 else None
        )
        code = (
            rule[0]
            if isinstance(rule, list) and len(rule) == 1 and isinstance(rule[0], str)
            else "invalid"
        )
        if leaves == {"does_not_exist"}:
            response.status_code, code = 404, "not_found"
        elif leaves and leaves <= UNPROCESSABLE_CODES:
            response.status_code = 422
            code = leaves.pop() if len(leaves) == 1 else "unprocessable"
        body = error_body(
            status=response.status_code,
            code=code,
            detail=str(INVALID_INPUT),
            fields=_flatten(exc.detail),
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        body = error_body(
            status=response.status_code,
            code=codes if isinstance(codes, str) else "error",
            detail=str(detail),
        )
    response.data = body
    return response


JSON_TOO_DEEP = _("The JSON body is nested too deeply (at most %(depth)d levels).")
MAX_JSON_DEPTH = 64


def _too_deep(data, limit: int) -> bool:
    """Whether lists and objects in ``data`` nest deeper than ``limit`` (walked without recursion)."""
    level, depth = [data], 0
    while True:
        containers = [value for value in level if isinstance(value, (list, dict))]
        if not containers:
            return False
        depth += 1
        if depth > limit:
            return True
        level = [
            item
            for value in containers
            for item in (value.values() if isinstance(value, dict) else value)
        ]


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a bound on nesting: Python's decoder would overflow the stack on deeply
    nested input (a RecursionError, a 500), and nothing in the API needs more than a few levels."""

    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = exceptions.ParseError(JSON_TOO_DEEP % {"depth": MAX_JSON_DEPTH})
        try:
            data = super().parse(stream, media_type=media_type, parser_context=parser_context)
        except RecursionError:
            raise too_deep from None
        if _too_deep(data, MAX_JSON_DEPTH):
            raise too_deep
        return data


PAGE_INVALID = _("Please give a page number of 1 or more.")
PAGE_SIZE_INVALID = _("Please give a page size from 1 to %(maximum)d.")


class Pagination(pagination.PageNumberPagination):
    """Pages of 25 (``page_size`` 1–100). A ``page`` or ``page_size`` that is no number in range
    answers 400 with the field named; a page past the last one answers 404 (DRF took anything:
    "abc", 0 and -1 alike, and quietly used its default for a wrong page size)."""

    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()

    def _number(self, request, name: str, maximum: int | None, message: str) -> int | None:
        raw = request.query_params.get(name)
        if raw is None:
            return None
        raw = raw.strip()
        number = 0
        if raw.isascii() and raw.isdigit():
            number = int(raw) if len(raw) <= 18 else 10**18  # past every last page
        if number < 1 or (maximum is not None and number > maximum):
            raise exceptions.ValidationError({name: [message]}, code="invalid")
        return number

    def get_page_size(self, request):
        size = self._number(
            request,
            self.page_size_query_param,
            self.max_page_size,
            str(PAGE_SIZE_INVALID % {"maximum": self.max_page_size}),
        )
        return size or self.page_size

    def get_page_number(self, request, paginator):
        return self._number(request, self.page_query_param, None, str(PAGE_INVALID)) or 1

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"type": "integer", "minimum": 1},
            self.page_size_query_param: {
                "type": "integer",
                "minimum": 1,
                "maximum": self.max_page_size,
            },
        }
        for parameter in parameters:
            if parameter["name"] in bounds:
                parameter["schema"] = bounds[parameter["name"]]
        return parameters


def only_public_api(endpoints):
    """Document /api/v1/ only: Wagtail's internal admin API is not part of Tandem's API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error of the API has this shape.",
    "properties": {
        "status": {"type": "integer", "description": "the HTTP status, repeated"},
        "code": {
            "type": "string",
            "description": "a stable code, e.g. invalid, not_found, not_authenticated",
        },
        "detail": {"type": "string", "description": "what went wrong, for people"},
        "fields": {
            "type": "object",
            "description": (
                "400, 404 and 422: the messages per input field (nested input: nested the same way)"
            ),
            "additionalProperties": {
                "oneOf": [
                    {"type": "array", "items": {}},
                    {"type": "object", "additionalProperties": {}},
                ]
            },
        },
    },
    "required": ["status", "code", "detail"],
}
ERRORS = {
    "400": "The input is not valid (see `fields`) or breaks a rule (see `code`).",
    "403": (
        "Not signed in (`not_authenticated`), not allowed (`permission_denied`), a staff account without "
        "a second factor (`second_factor_required`: set one up at /accounts/2fa/)."
    ),
    "404": (
        "No such object, or not one of yours (`not_found`; for an object named in the body, "
        "`fields` names it)."
    ),
    "409": (
        "The object is not in the state the action needs (see `code`, e.g. `answered`, "
        "`not_proposed`, `closed`, `slot_unavailable`): reload it and decide again."
    ),
    "415": "The body's media type is not supported.",
    "422": (
        "The input is well formed but a rule refuses it (see `code` and `fields`, e.g. "
        "`out_of_range`: a time outside the booking period or a period longer than allowed)."
    ),
    "429": (
        "Too many requests (`throttled`), or locked out after too many failed logins (`locked_out`): "
        "the `Retry-After` header, when present, says after how many seconds to try again."
    ),
}


def _auto_schema():
    from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
    from drf_spectacular.plumbing import ResolvedComponent

    class AutoSchema(SpectacularAutoSchema):
        """drf-spectacular's schema plus the errors every operation may answer, in the shared shape:
        400 for writes and queries, 403 always (DRF answers 403, not 401, because session
        authentication comes first), 404 where the request names an object (in the path or the body)
        or a page, 415 where there is a body, 429 always."""

        def get_operation(self, path, path_regex, path_prefix, method, registry):
            operation = super().get_operation(path, path_regex, path_prefix, method, registry)
            if operation is None:
                return None
            error = ResolvedComponent(
                name="Error", type=ResolvedComponent.SCHEMA, object="Error", schema=ERROR_SCHEMA
            )
            registry.register_on_missing(error)
            parameters = operation.get("parameters", [])
            statuses = {"403", "429"}
            if self.method not in ("GET", "HEAD") or any(
                p["in"] in ("query", "header") for p in parameters
            ):
                statuses.add("400")
            if "requestBody" in operation or any(
                p["in"] == "path" or p["name"] == "page" for p in parameters
            ):
                statuses.add("404")
            if "requestBody" in operation:
                statuses.add("415")
            if self.method not in ("GET", "HEAD"):
                statuses.update({"409", "422"})
            elif any(p["in"] == "query" for p in parameters):
                statuses.add("422")
            responses = operation.setdefault("responses", {})
            for status in sorted(statuses):
                answer = {
                    "description": ERRORS[status],
                    "content": {"application/json": {"schema": error.ref}},
                }
                if status == "429":
                    answer["headers"] = {
                        "Retry-After": {
                            "description": "seconds to wait before the next request",
                            "schema": {"type": "integer"},
                        }
                    }
                responses.setdefault(status, answer)
            return operation

    AutoSchema.__module__ = __name__
    return AutoSchema


def __getattr__(name):
    """``AutoSchema`` (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]) is made on first use: DRF imports this
    module while rest_framework.generics is still loading (for ``Pagination``), and drf-spectacular
    needs rest_framework.generics complete."""
    if name == "AutoSchema":
        globals()[name] = _auto_schema()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
