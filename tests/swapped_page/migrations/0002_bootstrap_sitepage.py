"""Add the base page's locale and translation key (nullable for now) once wagtailcore's models
exist, and fill them in for the pages wagtailcore's own migrations created (the root page and
Wagtail's welcome page)."""

from django.db import migrations
from wagtail.models import (
    BootstrapLocaleField,
    BootstrapTranslatableModel,
    BootstrapTranslationKeyField,
)


class Migration(migrations.Migration):

    dependencies = [
        ('swapped_page', '0001_initial'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        BootstrapLocaleField('swapped_page.SitePage'),
        BootstrapTranslationKeyField('swapped_page.SitePage'),
        BootstrapTranslatableModel('swapped_page.SitePage'),
    ]
