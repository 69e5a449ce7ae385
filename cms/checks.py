"""System checks that explain what a host site must add for Tandem's apps (``manage.py check``)."""

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.template import TemplateDoesNotExist, engines

from . import conf
from .context_processors import base_template

CONTEXT_PROCESSOR = "cms.context_processors.tandem"

# What cms itself needs from the site.
CMS_NEEDS = {
    "wagtail": "Wagtail itself",
    "wagtail.admin": "the Wagtail admin, where editors manage Tandem's content",
    "wagtail.contrib.settings": "the site settings (organisation name, privacy and imprint pages)",
    "wagtail.images": "images in pages and blocks",
    "wagtail.documents": "documents in pages and blocks",
    "modelcluster": "Wagtail's page relations",
    "taggit": "Wagtail's tags",
}


def missing_apps(*, app: str, needs: dict[str, str], check_id: str) -> list[Error]:
    """One error per app in ``needs`` (name → what it is for) that INSTALLED_APPS lacks."""
    return [
        Error(
            f"'{app}' needs '{name}' in INSTALLED_APPS ({purpose}).",
            hint=f"Add '{name}' to INSTALLED_APPS (see docs/install.md).",
            id=check_id,
        )
        for name, purpose in needs.items()
        if not apps.is_installed(name)
    ]


@register()
def cms_apps_check(app_configs, **kwargs) -> list:
    return missing_apps(app="cms", needs=CMS_NEEDS, check_id="cms.E001")


def _context_processors() -> list[str]:
    found: list[str] = []
    templates: list[dict[str, Any]] = settings.TEMPLATES
    for engine in templates:
        if engine.get("BACKEND") == "django.template.backends.django.DjangoTemplates":
            found += engine.get("OPTIONS", {}).get("context_processors", [])
    return found


@register(Tags.templates)
def base_template_check(app_configs, **kwargs) -> list:
    """Tandem's pages extend the site's base template (templates/tandem/base.html)."""
    problems: list[CheckMessage] = []
    name = base_template()
    processor = CONTEXT_PROCESSOR in _context_processors()
    if conf.is_set("BASE_TEMPLATE") and not processor:
        problems.append(
            Warning(
                f"TANDEM_BASE_TEMPLATE is set to '{name}', but Tandem's pages do not see it.",
                hint=f"Add '{CONTEXT_PROCESSOR}' to TEMPLATES[...]['OPTIONS']['context_processors'].",
                id="cms.W001",
            )
        )
        name = "base.html"
    try:
        engines["django"].get_template(name)
    except TemplateDoesNotExist:
        problems.append(
            Error(
                f"Tandem's pages extend the base template '{name}', which does not exist.",
                hint="Create it, or set TANDEM_BASE_TEMPLATE to your site's base template (with the context processor "
                f"'{CONTEXT_PROCESSOR}'), or override the template 'tandem/base.html'.",
                id="cms.E002",
            )
        )
    except KeyError:  # no Django template engine named "django": nothing to check here
        pass
    return problems
