"""Trainers edit only the courses they train: the trainers' group loses its page permissions on
the course catalogues (they covered every course below). What trainers may do now follows from
each course's trainers list (courses/permissions.py); adding courses to a catalogue from being in
the group. Reversing grants the catalogue permissions again."""

from django.conf import settings
from django.db import migrations

TRAINERS = getattr(settings, "TANDEM_COURSES_TRAINER_GROUP", "Trainer:innen")
FORMER_CATALOGUE_PERMISSIONS = ("add", "change", "publish", "lock", "unlock")


def revoke_catalogue_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    catalogues = apps.get_model("courses", "CourseCataloguePage").objects.values("pk")
    group = Group.objects.filter(name=TRAINERS).first()
    if group is not None:
        GroupPagePermission.objects.filter(group=group, page__in=catalogues).delete()


def grant_catalogue_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    group = Group.objects.filter(name=TRAINERS).first()
    if group is None:
        return
    model_name = settings.WAGTAIL_PAGE_MODEL.split(".")[1].lower()
    for catalogue in apps.get_model("courses", "CourseCataloguePage").objects.all():
        for kind in FORMER_CATALOGUE_PERMISSIONS:
            permission = Permission.objects.get(
                content_type__model=model_name, codename=f"{kind}_{model_name}"
            )
            GroupPagePermission.objects.get_or_create(
                group=group, page_id=catalogue.pk, permission=permission
            )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0004_course_trainer_assignment_permission"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(revoke_catalogue_permissions, grant_catalogue_permissions)]
