import pytest
from django.contrib.auth.models import Group

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_staff_groups_exist_with_admin_access():
    for name in ["Redaktion", "Trainer:innen", "Programmleitung"]:
        group = Group.objects.get(name=name)
        assert group.permissions.filter(codename="access_admin").exists()
    assert not Group.objects.filter(name="Editors").exists()


def test_editors_may_edit_and_publish_every_page(home_page):
    editor = UserFactory(groups=["Redaktion"])
    permissions = home_page.permissions_for_user(editor)
    assert permissions.can_edit() and permissions.can_publish() and permissions.can_add_subpage()
    assert editor.has_perm("cms.change_sitesettings")


def test_trainers_cannot_publish_site_pages(home_page):
    trainer = UserFactory(groups=["Trainer:innen"])
    assert not home_page.permissions_for_user(trainer).can_publish()
    assert trainer.has_perm("wagtailadmin.access_admin")


@pytest.mark.parametrize(
    "groups, status", [(["Redaktion"], 200), (["Programmleitung"], 200), ([], 302)]
)
def test_admin_access_follows_groups(client, home_page, groups, status):
    client.force_login(UserFactory(groups=groups))
    response = client.get("/admin/")
    assert response.status_code == status


def test_admin_login_goes_through_the_site_login(client, home_page):
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=%2Fadmin%2Fpages%2F"
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response.url == "/accounts/login/?next=%2Fadmin%2F"
