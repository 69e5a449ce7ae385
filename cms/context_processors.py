"""Template context for Tandem's pages inside a host site."""

from django.conf import settings

DEFAULT_BASE_TEMPLATE = "base.html"


def base_template() -> str:
    return getattr(settings, "TANDEM_BASE_TEMPLATE", DEFAULT_BASE_TEMPLATE) or DEFAULT_BASE_TEMPLATE


def tandem(request) -> dict:
    """``tandem_base_template``: the site's base template that Tandem's pages extend
    (``TANDEM_BASE_TEMPLATE``, default "base.html")."""
    return {"tandem_base_template": base_template()}
