"""Staff need a second factor: superusers, is_staff and the groups Redaktion, Trainer:innen and
Programmleitung are sent to the set-up pages until they have an authenticator app or a security
key; learners, mentors and mentees are not affected."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lms import security
from tests.factories import PASSWORD, UserFactory, totp_code

STAFF = {
    "superuser": {"is_superuser": True},
    "is_staff": {"is_staff": True},
    "Redaktion": {"groups": ["Redaktion"]},
    "Trainer:innen": {"groups": ["Trainer:innen"]},
    "Programmleitung": {"groups": ["Programmleitung"]},
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # used one-time codes and rate limits live in the shared test cache
    yield
    cache.clear()


def staff_without_second_factor(role: str = "Redaktion"):
    return UserFactory(second_factor=False, **STAFF[role])


def explanation() -> str:
    with translation.override("de"):
        return gettext("Please set up a second factor")


@pytest.mark.parametrize("role", sorted(STAFF))
def test_staff_without_second_factor_are_sent_to_set_it_up(client, site_settings, role):
    client.force_login(staff_without_second_factor(role))
    for path in (
        "/",
        "/me/",
        "/admin/",
        reverse("mentoring:sessions"),
        "/accounts/password/change/",
    ):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_index"), path
    setup = client.get(reverse("mfa_index"))
    assert setup.status_code == 200
    assert explanation() in setup.content.decode()
    assert client.get(reverse("mfa_activate_totp")).status_code in (
        200,
        302,
    )  # 302: confirm the password first


@pytest.mark.parametrize("role", sorted(STAFF))
def test_with_an_authenticator_app_staff_get_through(client, site_settings, role):
    user = staff_without_second_factor(role)
    client.force_login(user)
    assert client.get("/me/").status_code == 302
    TOTP.activate(user, generate_totp_secret())
    assert client.get("/me/").status_code == 200
    assert explanation() not in client.get(reverse("mfa_index")).content.decode()
    admin = client.get("/admin/")
    assert admin.status_code == 200 if role != "is_staff" else admin.status_code in (200, 302)


def test_a_security_key_counts_recovery_codes_alone_do_not(client, site_settings):
    user = staff_without_second_factor()
    client.force_login(user)
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x"}
    )
    assert client.get("/me/").status_code == 302
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "Schlüssel"}
    )
    assert client.get("/me/").status_code == 200


def test_learners_mentors_and_mentees_are_not_affected(client, site_settings):
    learner = UserFactory()
    client.force_login(learner)
    assert client.get("/me/").status_code == 200
    assert client.get(reverse("mentoring:sessions")).status_code == 200
    assert not Authenticator.objects.filter(user=learner).exists()


def test_what_stays_open_while_setting_it_up(client, site_settings):
    client.force_login(staff_without_second_factor())
    assert client.get(reverse("mfa_index")).status_code == 200
    switched = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("mfa_index")}
    )
    assert switched.status_code == 302 and switched["Location"] == reverse("mfa_index")
    with translation.override("en"):
        assert (
            gettext("Please set up a second factor")
            in client.get(reverse("mfa_index")).content.decode()
        )
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    assert client.get(reverse("healthz")).status_code in (200, 503)
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_static_and_media_files_stay_open(rf, settings):
    for path in (settings.STATIC_URL + "css/tandem.css", settings.MEDIA_URL + "images/x.jpg"):
        assert security.second_factor_exempt(rf.get(path))
    assert not security.second_factor_exempt(rf.get("/me/"))
    assert not security.second_factor_exempt(rf.get("/accounts/password/change/"))


def test_the_api_answers_403_in_its_error_shape(client, site_settings):
    user = staff_without_second_factor()
    client.force_login(user)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required" and response.json()["status"] == 403
    token = Token.objects.create(user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    refused = api.get("/api/v1/me/")
    assert refused.status_code in (401, 403) and refused.json()["code"] == "second_factor_required"
    TOTP.activate(user, generate_totp_secret())
    assert api.get("/api/v1/me/").status_code == 200


def test_becoming_staff_during_a_session_takes_effect_at_once(client, site_settings):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/me/").status_code == 200
    user.groups.add(Group.objects.get(name="Programmleitung"))
    assert client.get("/me/").status_code == 302
    Group.objects.get(name="Programmleitung").user_set.remove(user)
    assert client.get("/me/").status_code == 200
    user.is_staff = True
    user.save()
    assert client.get("/me/").status_code == 302


def test_removing_the_last_second_factor_sends_staff_back(client, site_settings):
    user = UserFactory(groups=["Redaktion"])
    client.force_login(user)
    assert client.get("/me/").status_code == 200
    Authenticator.objects.filter(user=user).delete()
    assert client.get("/me/").status_code == 302


def test_the_rule_can_be_switched_off(client, site_settings, settings):
    settings.TANDEM_REQUIRE_MFA_FOR_STAFF = False
    client.force_login(staff_without_second_factor())
    assert client.get("/me/").status_code == 200


def test_setting_up_an_authenticator_app_through_the_pages(client, site_settings):
    """Log in with the password, get sent to the set-up, confirm the password (allauth asks before
    any change of second factors), scan the secret, confirm with a code."""
    user = staff_without_second_factor("Programmleitung")
    login = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert login.status_code == 302
    assert client.get(login["Location"])["Location"] == reverse("mfa_index")
    confirm = client.get(reverse("mfa_activate_totp"))
    assert confirm["Location"].startswith(reverse("account_reauthenticate"))
    assert client.post(confirm["Location"], {"password": PASSWORD}).status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200 and explanation() in page.content.decode()
    secret = client.session["mfa.totp.secret"]  # what the QR code on the page holds
    activated = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get("/me/").status_code == 200


def test_staff_with_a_second_factor_are_asked_for_it_at_login(client, site_settings):
    user = UserFactory(groups=["Redaktion"])
    login = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert (
        login["Location"] == reverse("mfa_authenticate") and "_auth_user_id" not in client.session
    )
    assert (
        client.post(reverse("mfa_authenticate"), {"code": "000000"}).status_code == 200
    )  # wrong code
    assert "_auth_user_id" not in client.session
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code()}).status_code == 302
    assert client.get("/admin/").status_code == 200
