"""The one error type of services and its two mappings: API answers and form errors."""

from django import forms

from cms.errors import ServiceError, add_to_form
from courses.services import CourseError
from lms.api_support import INVALID_INPUT, exception_handler
from lms.services import PrivacyError
from mentoring.services import MentoringError
from mentoring.sessions.services import SessionError


def test_every_apps_error_is_a_service_error():
    for error_type in (CourseError, MentoringError, SessionError, PrivacyError):
        assert issubclass(error_type, ServiceError)


def test_a_rule_about_the_whole_request_answers_400_with_its_code():
    response = exception_handler(ServiceError("No second factor.", code="mfa_missing"), {})
    assert response.status_code == 400
    assert response.data == {
        "status": 400,
        "code": "mfa_missing",
        "detail": str(INVALID_INPUT),
        "fields": {"non_field_errors": ["No second factor."]},
    }


def test_a_state_that_refuses_the_action_answers_409_with_its_code():
    response = exception_handler(ServiceError("Closed.", code="closed"), {})
    assert response.status_code == 409
    assert response.data == {"status": 409, "code": "closed", "detail": "Closed."}


def test_a_rule_refusing_well_formed_input_answers_422_with_the_field():
    response = exception_handler(
        ServiceError("Outside the booking period.", code="out_of_range", field="start"), {}
    )
    assert response.status_code == 422
    assert response.data == {
        "status": 422,
        "code": "out_of_range",
        "detail": str(INVALID_INPUT),
        "fields": {"start": ["Outside the booking period."]},
    }


def test_a_rule_about_one_field_answers_400_invalid_with_the_message_on_the_field():
    response = exception_handler(SessionError("Too long.", code="too_long", field="length"), {})
    assert response.status_code == 400
    assert response.data["code"] == "invalid"
    assert response.data["fields"] == {"length": ["Too long."]}


def test_a_conflict_answers_409_without_fields():
    response = exception_handler(
        SessionError("Key used for another booking.", code="idempotency_key_reused"), {}
    )
    assert response.status_code == 409
    assert response.data == {
        "status": 409,
        "code": "idempotency_key_reused",
        "detail": "Key used for another booking.",
    }


class _Form(forms.Form):
    c_goal = forms.CharField(required=False)
    reason = forms.CharField(required=False)


def test_a_form_shows_the_message_on_the_named_field():
    form = _Form(data={})
    assert form.is_valid()
    add_to_form(form, MentoringError("Pick one.", field="goal"), field_prefix="c_")
    assert form.errors == {"c_goal": ["Pick one."]}


def test_a_form_shows_an_unknown_field_or_no_field_on_the_whole_form():
    form = _Form(data={})
    assert form.is_valid()
    add_to_form(form, SessionError("Gone.", field="nonsense"))
    add_to_form(form, CourseError("Full."))
    assert form.non_field_errors() == ["Gone.", "Full."]
