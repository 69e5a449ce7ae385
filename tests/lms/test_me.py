import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import override
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["me", "me-profile", "me-api-token"])
def test_personal_area_requires_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_me_lists_account_section(client, user, home_page):
    client.force_login(user)
    response = client.get(reverse("me"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mein Bereich" in html and "Mein Konto" in html
    assert reverse("account_change_password") in html and reverse("mfa_index") in html


def test_profile_saves_language_and_time_zone(client, user, home_page):
    client.force_login(user)
    response = client.post(
        reverse("me-profile"),
        {
            "first_name": "Jonas",
            "last_name": "Weber",
            "language": "en",
            "time_zone": "America/New_York",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.language, user.time_zone) == ("Jonas", "en", "America/New_York")
    response = client.get(reverse("me-profile"))
    assert response["Content-Language"] == "en"
    assert "Your profile has been saved." in response.content.decode()


def test_profile_rejects_unknown_time_zone_and_keeps_input(client, user, home_page):
    client.force_login(user)
    response = client.post(
        reverse("me-profile"),
        {
            "first_name": "Jonas",
            "last_name": "Weber",
            "language": "de",
            "time_zone": "Mars/Olympus",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Jonas"' in html
    assert "Mars/Olympus ist keine gültige Auswahl" in html
    user.refresh_from_db()
    assert user.time_zone == "Europe/Berlin"


def test_times_are_shown_in_the_users_time_zone(client, home_page):
    from django.utils import timezone

    user = UserFactory(time_zone="America/New_York")
    client.force_login(user)
    token = Token.objects.create(user=user)
    response = client.get(reverse("me-api-token"))
    local = timezone.localtime(
        token.created, timezone=__import__("zoneinfo").ZoneInfo("America/New_York")
    )
    assert local.strftime("%H:%M") in response.content.decode()


def test_api_token_create_rotate_delete(client, user, home_page):
    client.force_login(user)
    response = client.post(reverse("me-api-token"), {"action": "rotate"})
    first = Token.objects.get(user=user).key
    assert first in response.content.decode()  # shown once, right after creation
    assert first not in client.get(reverse("me-api-token")).content.decode()
    client.post(reverse("me-api-token"), {"action": "rotate"})
    second = Token.objects.get(user=user).key
    assert second != first
    client.post(reverse("me-api-token"), {"action": "delete"})
    assert not Token.objects.filter(user=user).exists()


def test_language_switch_sets_cookie_and_user_preference(client, user, home_page):
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/me/"})
    assert response.status_code == 302 and response.url == "/me/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    user.refresh_from_db()
    assert user.language == "en"


def test_language_switch_refuses_foreign_redirects(client, home_page):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_browser_language_is_ignored_german_first(client, home_page):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "de"
    assert '<html lang="de">' in response.content.decode()


def test_account_deletion_asks_for_the_current_password(client, user, home_page):
    from lms.forms import ERASURE_WRONG_PASSWORD
    from lms.models import ErasureRequest
    from tests.factories import PASSWORD

    client.force_login(user)
    url = reverse("me-privacy")
    for data in ({"confirm": "on"}, {"confirm": "on", "password": "falsch-geraten"}):
        response = client.post(url, {"action": "erase", **data})
        assert response.status_code == 400
        assert not ErasureRequest.objects.exists()
    with override("de"):
        assert str(ERASURE_WRONG_PASSWORD) in response.content.decode()
        assert "Passwort" in str(ERASURE_WRONG_PASSWORD)
    response = client.post(url, {"action": "erase", "confirm": "on", "password": PASSWORD})
    assert response.status_code == 302 and ErasureRequest.objects.filter(user=user).exists()


def test_account_deletion_without_a_password_asks_for_a_fresh_login(client, home_page):
    from lms.forms import ERASURE_LOGIN_AGAIN
    from lms.models import ErasureRequest

    user = UserFactory()
    user.set_unusable_password()
    user.save()
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(user)
    page = client.get(reverse("me-privacy")).content.decode()
    assert 'name="password"' not in page
    user.last_login = timezone.now() - timedelta(hours=1)
    user.save(update_fields=["last_login"])
    response = client.post(reverse("me-privacy"), {"action": "erase", "confirm": "on"})
    assert response.status_code == 400 and not ErasureRequest.objects.exists()
    with override("de"):
        assert str(ERASURE_LOGIN_AGAIN) % {"minutes": 10} in response.content.decode()
    client.force_login(user)  # a fresh login
    response = client.post(reverse("me-privacy"), {"action": "erase", "confirm": "on"})
    assert response.status_code == 302 and ErasureRequest.objects.filter(user=user).exists()
