"""What every endpoint under /api/v1/ shares: one error shape and one pagination."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination
from rest_framework.views import exception_handler as drf_exception_handler

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


def exception_handler(exc, context):
    """Every API error answers {"status", "code", "detail"[, "fields"]}."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        codes = exc.get_codes()
        # A rule that is not about one field (e.g. "closed") keeps its own code for clients.
        rule = codes.get("non_field_errors") if isinstance(codes, dict) and len(codes) == 1 else None
        code = rule[0] if isinstance(rule, list) and len(rule) == 1 and isinstance(rule[0], str) else "invalid"
        body = error_body(status=response.status_code, code=code, detail=str(INVALID_INPUT),
                          fields=_flatten(exc.detail))
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


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


def only_public_api(endpoints):
    """Document /api/v1/ only: Wagtail's internal admin API is not part of Tandem's API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
