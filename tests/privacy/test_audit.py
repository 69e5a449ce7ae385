"""The audit log records security events with pseudonymous ids only; superusers read it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cms import audit
from cms.models import AuditEvent
from mentoring import services as mentoring_services
from tests.factories import UserFactory
from tests.mentoring.conftest import apply, make_programme

pytestmark = pytest.mark.django_db
PASSWORD = "ein-langes-Passwort-2026"


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def test_logins_and_failed_logins_are_recorded_without_the_typed_address(client):
    user = UserFactory(password=PASSWORD)
    client.post(reverse("account_login"), {"login": user.email, "password": "falsch-falsch"})
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "auth.login_failed" in actions() and "auth.login" in actions()
    login = AuditEvent.objects.get(action="auth.login")
    assert login.actor == audit.pseudonym(user) and len(login.actor) == 24
    stored = " ".join(
        str(value)
        for value in AuditEvent.objects.values_list("actor", "subject", "target", "details")
    )
    assert user.email not in stored and user.first_name not in stored


def test_role_changes_exports_and_published_matches_are_recorded(client, settings):
    user = UserFactory()
    group = Group.objects.get(name="Programmleitung")
    user.groups.add(group)
    event = AuditEvent.objects.get(action="roles.add")
    assert event.subject == audit.pseudonym(user) and event.details == {
        "groups": ["Programmleitung"]
    }
    user.is_superuser = True
    user.save()
    assert AuditEvent.objects.get(action="permissions.flags").details == {"is_superuser": True}
    learner = UserFactory()
    client.force_login(learner)
    assert client.post(reverse("me-privacy-export")).status_code == 200
    assert AuditEvent.objects.filter(
        action="privacy.export", actor=audit.pseudonym(learner)
    ).exists()
    programme = make_programme()
    apply(programme, "mentor", "KV Nord", ["Führung"])
    apply(programme, "mentee", "KV Süd", ["Führung"])
    run = mentoring_services.matching_run(programme=programme, by=user)
    mentoring_services.matching_publish(run=run, by=user)
    published = AuditEvent.objects.get(action="matching.published")
    assert published.actor == audit.pseudonym(user) and published.details == {"tandems": 1}


def test_only_superusers_read_the_audit_log(client):
    audit.record(action="auth.login", by=UserFactory())
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name="Redaktion"))
    client.force_login(staff)
    assert client.get(reverse("cms_audit_log")).status_code in (302, 403)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get(reverse("cms_audit_log"), {"action": "auth."})
    assert page.status_code == 200 and "auth.login" in page.content.decode()
