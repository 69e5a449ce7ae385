"""Trainers manage learning videos, quizzes, topics and audiences in the admin; page
permissions on each course catalogue are granted when a catalogue is created. The trainers' group
(TANDEM_COURSES_TRAINER_GROUP) is made here when the site has none yet, with access to the admin."""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

TRAINERS = getattr(settings, "TANDEM_COURSES_TRAINER_GROUP", "Trainer:innen")
MODELS = {
    "learningvideo": ("add", "change", "view"),
    "quiz": ("add", "change", "view"),
    "topic": ("add", "change", "view"),
    "audience": ("add", "change", "view"),
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("courses")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=TRAINERS)
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for model, kinds in MODELS.items():
        for kind in kinds:
            group.permissions.add(Permission.objects.get(content_type__app_label="courses",
                                                         codename=f"{kind}_{model}"))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=TRAINERS).first()
    if group is not None:
        group.permissions.remove(*group.permissions.filter(content_type__app_label="courses"))


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_courses_videos_enrolment_progress_certificates"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
