"""The one error type for business rules, shared by every app's services.

A service raises ``ServiceError`` (or an app's subclass of it) with a translatable message, shown to
the person as it is, a stable machine ``code`` for API clients and, where the rule is about one input,
the ``field``. It is turned into an answer in exactly two places:

- the API: ``lms.api_support.exception_handler`` answers in the shared error shape
  (``{"status", "code", "detail"[, "fields"]}``): 409 when the code is a conflict
  (``CONFLICT_CODES``: the object is not in the state the action needs, e.g. a tandem already
  answered; trying again later or differently can work), 422 when well-formed input breaks a rule
  (``UNPROCESSABLE_CODES``, e.g. a time outside the booking period), else 400;
- forms: ``add_to_form`` puts the message on the named field, or on the form as a whole.

Views and API views let the error travel; they catch it only to answer something else than the
defaults (e.g. a message on the next page, or free slots next to a 409).
"""

from __future__ import annotations

from typing import Any

# Codes answered with HTTP 409 by the API: the object is not (or no longer) in the state the action
# needs. Input that a client could send unchanged a moment earlier or later.
CONFLICT_CODES = frozenset(
    {
        "slot_unavailable",
        "idempotency_key_reused",
        "answered",
        "already_given",
        "already_passed",
        "already_requested",
        "cancelled",
        "closed",
        "duplicate",
        "no_attempts_left",
        "not_active",
        "not_proposed",
        "not_suggested",
        "nothing_to_restore",
        "not_yet",
        "tandem_not_active",
        "too_late",
        "undo_expired",
    }
)
# Codes answered with HTTP 422: the input is well formed (the schema allows it) but a rule of the
# domain refuses it, e.g. a moment outside the booking period, a period longer than allowed, a time
# zone name that does not exist, an application without the answers its programme asks for.
UNPROCESSABLE_CODES = frozenset(
    {"out_of_range", "length_not_offered", "unknown_time_zone", "answer_required"}
)


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

    @property
    def is_unprocessable(self) -> bool:
        return self.code in UNPROCESSABLE_CODES


def add_to_form(form: Any, error: ServiceError, *, field_prefix: str = "") -> None:
    """Show ``error`` on the form: on its field when the form has one of that name (after
    ``field_prefix``), else as an error of the whole form."""
    name = f"{field_prefix}{error.field}" if error.field else None
    form.add_error(name if name in getattr(form, "fields", {}) else None, str(error.message))
