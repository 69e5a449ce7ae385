"""Programme managers edit the programmes they manage (weights, rules, dates) in the admin.
Creating programmes and naming their managers stays with administrators. The managers' group is
made here when the site has none yet, with access to the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MANAGERS = "Programmleitung"


def grant(apps, schema_editor):
    app_config = apps.get_app_config("mentoring")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=MANAGERS)
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    group.permissions.add(*Permission.objects.filter(content_type__app_label="mentoring",
                                                     codename__in=["change_programme", "view_programme"]))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=MANAGERS).first()
    if group is not None:
        group.permissions.remove(*group.permissions.filter(content_type__app_label="mentoring"))


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0004_agreement_and_goals"), ("wagtailadmin", "0001_create_admin_access_permissions")]

    operations = [migrations.RunPython(grant, revoke)]
