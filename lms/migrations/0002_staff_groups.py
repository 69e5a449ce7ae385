"""Staff roles are groups with Wagtail permissions: Redaktion (editors), Trainer:innen
(trainers) and Programmleitung (programme managers). Mentor, mentee and learner are not groups:
they follow from what a person applied to or enrolled in. The apps add their own
permissions to these groups in their own migrations."""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Redaktion"
TRAINERS = "Trainer:innen"
PROGRAMME_MANAGERS = "Programmleitung"

PAGE_PERMISSIONS = {
    EDITORS: ["add", "change", "publish", "bulk_delete", "lock", "unlock"],
}
COLLECTION_PERMISSIONS = {
    EDITORS: [
        ("wagtailimages", "image", ["add", "change", "delete", "choose"]),
        ("wagtaildocs", "document", ["add", "change", "delete", "choose"]),
    ],
    TRAINERS: [
        ("wagtailimages", "image", ["add", "choose"]),
        ("wagtaildocs", "document", ["add", "choose"]),
    ],
}
MODEL_PERMISSIONS = {
    EDITORS: [
        ("cms", "change_sitesettings"),
        ("wagtailredirects", "add_redirect"),
        ("wagtailredirects", "change_redirect"),
        ("wagtailredirects", "delete_redirect"),
    ],
}


def create_groups(apps, schema_editor):
    # Model permissions are normally created after all migrations ran; create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model(settings.WAGTAIL_PAGE_MODEL)
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()
    page_model_name = settings.WAGTAIL_PAGE_MODEL.split(".")[1].lower()

    # Wagtail's own "Editors" group would sit confusingly beside "Redaktion"; drop it while
    # it is unused. "Moderators" stays: Wagtail's default approval workflow relies on it.
    Group.objects.filter(name="Editors", user__isnull=True).delete()

    for name in (EDITORS, TRAINERS, PROGRAMME_MANAGERS):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        for app_label, codename in MODEL_PERMISSIONS.get(name, []):
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        if root_page is not None:
            for kind in PAGE_PERMISSIONS.get(name, []):
                permission = Permission.objects.get(
                    content_type__model=page_model_name, codename=f"{kind}_{page_model_name}"
                )
                GroupPagePermission.objects.get_or_create(group=group, page=root_page, permission=permission)
        if root_collection is not None:
            for app_label, model, kinds in COLLECTION_PERMISSIONS.get(name, []):
                for kind in kinds:
                    permission = Permission.objects.get(
                        content_type__app_label=app_label, codename=f"{kind}_{model}"
                    )
                    GroupCollectionPermission.objects.get_or_create(
                        group=group, collection=root_collection, permission=permission
                    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[EDITORS, TRAINERS, PROGRAMME_MANAGERS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0001_user"),
        ("cms", "0001_initial_pages_and_settings"),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
