"""What the apps' APIs share below the site."""

from typing import Any

from rest_framework.settings import api_settings


def json_only_parsers() -> list:
    """The site's parsers that read JSON (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]), for bodies a
    form cannot carry: lists, objects, null (a form body answers 415)."""
    parsers: Any = api_settings.DEFAULT_PARSER_CLASSES  # the classes (DRF imports the paths)
    return [p for p in parsers if p.media_type == "application/json"]
