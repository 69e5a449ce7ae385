import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

User = get_user_model()
pytestmark = pytest.mark.django_db


def test_registration_requires_email_verification_then_logs_in(
    client, home_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after the commit
        response = client.post(
            reverse("account_signup"),
            {
                "first_name": "Fatma",
                "last_name": "Yilmaz",
                "email": "fatma@example.org",
                "password1": "ein-langes-Passwort-7",
                "password2": "ein-langes-Passwort-7",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="fatma@example.org")
    assert (user.first_name, user.last_name, user.language) == ("Fatma", "Yilmaz", "de")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["fatma@example.org"]
    assert "Bestätigen" in message.subject or "bestätigen" in message.body

    # Not verified yet: logging in only sends the verification mail again.
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "fatma@example.org", "password": "ein-langes-Passwort-7"},
    )
    assert response.status_code == 302 and response.url == reverse(
        "account_email_verification_sent"
    )
    assert "_auth_user_id" not in client.session

    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", message.body).group(0)
    path = link.split("testserver", 1)[1]
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="fatma@example.org").verified
    assert int(client.session["_auth_user_id"]) == user.pk


def test_registration_with_bad_input_keeps_what_was_typed(client, home_page):
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "Fatma",
            "last_name": "",
            "email": "keine-adresse",
            "password1": "kurz",
            "password2": "anders",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Fatma"' in html and 'value="keine-adresse"' in html
    assert 'aria-invalid="true"' in html
    assert "Dieses Feld muss ausgefüllt werden." in html
    assert not User.objects.filter(first_name="Fatma").exists()


def test_login_with_email_case_insensitive_and_logout(client, home_page):
    user = UserFactory(email="lena@example.org")
    response = client.post(
        reverse("account_login"), {"login": "Lena@Example.org", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == reverse("me")
    assert int(client.session["_auth_user_id"]) == user.pk
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_email_is_unique_regardless_of_case(db):
    UserFactory(email="anna@example.org")
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="ANNA@example.org", password="x")


def test_password_reset_sends_mail_and_sets_new_password(
    client, home_page, django_capture_on_commit_callbacks
):
    user = UserFactory(email="reset@example.org")
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after the commit
        response = client.post(reverse("account_reset_password"), {"email": "reset@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(
        r"http://testserver(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body
    ).group(1)
    response = client.get(link)
    assert response.status_code == 302  # allauth moves the key into the session
    response = client.post(
        response.url, {"password1": "Neues-Passwort-2026", "password2": "Neues-Passwort-2026"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Neues-Passwort-2026")


def test_password_reset_does_not_reveal_unknown_addresses(client, home_page):
    response = client.post(reverse("account_reset_password"), {"email": "niemand@example.org"})
    assert response.status_code == 302  # same answer as for a known address
