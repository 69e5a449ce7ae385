"""Programme managers in the admin: who manages a programme reads its applications, so naming
managers stays with administrators, the chooser offers only active programme staff, and a
manager's site history shows only her own programmes."""

import pytest
from django.urls import reverse
from wagtail.log_actions import log

from mentoring.models import Programme
from tests.courses.test_admin_access import form_data
from tests.factories import UserFactory
from tests.mentoring.conftest import make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return {
        "manager": UserFactory(groups=["Programmleitung"], first_name="Mia"),
        "other_manager": UserFactory(groups=["Programmleitung"], first_name="Omar"),
        "trainer": UserFactory(groups=["Trainer:innen"], first_name="Tim"),
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }


def _managed(programme, *users):
    programme.managers.set(users)
    programme.save()
    return programme


def test_a_manager_cannot_name_managers_even_by_a_crafted_post(client, staff):
    programme = _managed(make_programme("p1"), staff["manager"])
    client.force_login(staff["manager"])
    data = form_data(
        programme, user=staff["admin"], managers=[staff["manager"], staff["trainer"]], summary="Neu"
    )
    url = reverse("wagtailsnippets_mentoring_programme:edit", args=[programme.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    programme.refresh_from_db()
    assert programme.summary == "Neu"
    assert list(programme.managers.all()) == [staff["manager"]]
    response = client.get(url)
    assert "managers" not in response.context["form"].fields


def test_the_managers_chooser_offers_only_active_programme_staff(staff):
    UserFactory(groups=["Programmleitung"], is_active=False)
    programme = make_programme("p1")
    form_class = type(programme).snippet_viewset.get_edit_handler().get_form_class()
    form = form_class(instance=programme, for_user=staff["admin"])
    assert set(form.fields["managers"].queryset) == {staff["manager"], staff["other_manager"]}


def test_a_manager_sees_only_her_programmes_in_the_site_history(client, staff):
    own = _managed(make_programme("p1"), staff["manager"])
    foreign = _managed(make_programme("p2"), staff["other_manager"])
    foreign.title = "Fremdes Programm"
    foreign.save()
    log(own, "wagtail.edit", user=staff["manager"])
    log(foreign, "wagtail.edit", user=staff["other_manager"])
    client.force_login(staff["manager"])
    response = client.get(reverse("wagtailadmin_reports:site_history"))
    assert response.status_code == 200
    content = response.content.decode()
    assert own.title in content
    assert "Fremdes Programm" not in content and "Omar" not in content
    assert Programme.objects.count() == 2
