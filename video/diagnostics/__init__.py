"""Diagnostics of the organisation's own Jitsi Meet server for ``manage.py jitsi_check``.

- :mod:`.client`: every request to the server, through one ``requests.Session`` with a timeout;
  failures become :class:`JitsiUnavailable` with a translated sentence (DNS, refused, timeout,
  TLS, HTTP status) instead of a traceback.
- :mod:`.config_js`: a heuristic reading of the server's ``config.js`` (JavaScript, not JSON) and
  the privacy findings drawn from it.
- :mod:`.report`: :func:`check_server`, which asks the server and returns :class:`Finding` objects.
"""

from .client import (
    JitsiUnavailable,
    base_url_from_settings,
    fetch,
    fetch_external_api_url,
    normalise_base_url,
    session,
)
from .config_js import config_value, strip_js_comments
from .findings import Finding, Level
from .report import check_server

__all__ = [
    "Finding",
    "JitsiUnavailable",
    "Level",
    "base_url_from_settings",
    "check_server",
    "config_value",
    "fetch",
    "fetch_external_api_url",
    "normalise_base_url",
    "session",
    "strip_js_comments",
]
