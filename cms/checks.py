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


@register(Tags.security)
def trusted_proxies_check(app_configs, **kwargs) -> list:
    """X-Forwarded-For is believed only from declared proxies (cms.ratelimit.client_ip): a count
    without them, or declared proxies without a count, is a set-up that does not do what it says."""
    from .ratelimit import proxy_networks

    count = int(conf.get("TRUSTED_PROXY_COUNT") or 0)
    networks, invalid = proxy_networks()
    problems: list[CheckMessage] = []
    if invalid:
        problems.append(
            Error(
                "TANDEM_TRUSTED_PROXIES contains entries that are no IP address or network: "
                + ", ".join(repr(entry) for entry in invalid),
                hint="List the addresses (e.g. 10.0.0.2) or networks (e.g. 10.0.0.0/24) of your "
                "reverse proxies, separated by commas, in the environment variable TRUSTED_PROXIES.",
                id="cms.E003",
            )
        )
    if count > 0 and not networks:
        problems.append(
            Warning(
                f"TANDEM_TRUSTED_PROXY_COUNT is {count}, but no reverse proxy is declared in "
                "TANDEM_TRUSTED_PROXIES: X-Forwarded-For is ignored, and behind a proxy every "
                "client counts under the proxy's address for the login lockout and rate limits.",
                hint="Set TRUSTED_PROXIES to the addresses or networks your reverse proxies connect "
                "from (e.g. TRUSTED_PROXIES=10.0.0.2), or TRUSTED_PROXY_COUNT=0 without a proxy.",
                id="cms.W003",
            )
        )
    if networks and count <= 0:
        problems.append(
            Warning(
                "Reverse proxies are declared in TANDEM_TRUSTED_PROXIES, but "
                "TANDEM_TRUSTED_PROXY_COUNT is 0: X-Forwarded-For is ignored, and every client "
                "counts under the proxy's address for the login lockout and rate limits.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies that append to "
                "X-Forwarded-For (usually 1).",
                id="cms.W004",
            )
        )
    return problems
