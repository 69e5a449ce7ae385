"""Wagtail's default workflow and task are called "Moderators approval" (the group's name plus
"approval"); the German admin then read "In Moderators approval einreichen". They get a German
name, unless someone already renamed them."""

from django.db import migrations

ENGLISH = "Moderators approval"
GERMAN = "Redaktionelle Freigabe"


def rename(apps, schema_editor, old=ENGLISH, new=GERMAN):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=old).update(name=new)
    apps.get_model("wagtailcore", "Task").objects.filter(name=old).update(name=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=GERMAN, new=ENGLISH)


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0003_erasure_requests"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
