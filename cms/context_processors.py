"""Template context for Tandem's pages inside a host site."""

from . import conf


def base_template() -> str:
    return conf.get("BASE_TEMPLATE")


def tandem(request) -> dict:
    """``tandem_base_template``: the site's base template that Tandem's pages extend
    (``TANDEM_BASE_TEMPLATE``, default "base.html")."""
    return {"tandem_base_template": base_template()}
