"""The one error type for business rules, shared by every app's services.

A service raises ``ServiceError`` (or an app's subclass of it) with a translatable message, shown to
the person as it is, a stable machine ``code`` for API clients and, where the rule is about one input,
the ``field``. It is turned into an answer in exactly two places:

- the API: ``lms.api_support.exception_handler`` answers 400 in the shared error shape
  (``{"status", "code", "detail", "fields"}``), or 409 ``{"status", "code", "detail"}`` when the
  code is a conflict (``CONFLICT_CODES``: the state changed under the client, trying again later or
  differently can work);
- forms: ``add_to_form`` puts the message on the named field, or on the form as a whole.

Views and API views let the error travel; they catch it only to answer something else than the
defaults (e.g. a message on the next page, or free slots next to a 409).
"""

from __future__ import annotations

from typing import Any

# Codes answered with HTTP 409 by the API; every other code is a 400.
CONFLICT_CODES = frozenset({"slot_unavailable", "idempotency_key_reused"})


class ServiceError(Exception):
    """A rule of the domain was not met; ``message`` is shown to the person as it is."""

    def __init__(self, message, *, code: str = "invalid", field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field

    @property
    def is_conflict(self) -> bool:
        return self.code in CONFLICT_CODES


def add_to_form(form: Any, error: ServiceError, *, field_prefix: str = "") -> None:
    """Show ``error`` on the form: on its field when the form has one of that name (after
    ``field_prefix``), else as an error of the whole form."""
    name = f"{field_prefix}{error.field}" if error.field else None
    form.add_error(name if name in getattr(form, "fields", {}) else None, str(error.message))
