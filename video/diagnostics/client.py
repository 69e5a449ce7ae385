"""Requests to the Jitsi server, over HTTP with ``requests``.

Every request goes through one ``requests.Session`` and carries a timeout. Failures become
:class:`JitsiUnavailable` with a human, translated message that says what went wrong (name not
found, connection refused, timeout, TLS, HTTP status) instead of a traceback.
"""

from __future__ import annotations

import socket
import ssl
from urllib.parse import urlsplit

import requests
from django.utils.translation import gettext as _

from video import conf

_session = requests.Session()
_session.headers["User-Agent"] = "Tandem-jitsi-check/1"


class JitsiUnavailable(Exception):
    """The server could not be asked, or answered with an error status.

    ``reason`` is one of "dns", "refused", "timeout", "tls", "http", "connection"; ``str()`` is
    a translated sentence for people."""

    def __init__(self, message: str, *, url: str, reason: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.url = url
        self.reason = reason
        self.status = status


def session() -> requests.Session:
    """The one session used for every request to the Jitsi server."""
    return _session


def base_url_from_settings() -> str:
    """``<scheme>://<domain>`` from the TANDEM_VIDEO_JITSI_* settings, "" when unset."""
    domain = str(conf.get("JITSI_DOMAIN") or "").strip().strip("/")
    if not domain:
        return ""
    return normalise_base_url(domain, scheme=str(conf.get("JITSI_SCHEME") or "https"))


def normalise_base_url(url_or_domain: str, *, scheme: str = "https") -> str:
    """Accept "meet.example.org", "meet.example.org:8443" or a full URL; no trailing slash."""
    value = url_or_domain.strip()
    if "://" not in value:
        value = f"{scheme}://{value}"
    return value.rstrip("/")


def fetch_external_api_url(base_url: str) -> str:
    """Where the IFrame API script lives on the server."""
    return f"{base_url.rstrip('/')}/external_api.js"


def _causes(exc: BaseException) -> BaseException | None:
    """The exception behind ``exc``: its cause, context, urllib3's ``.reason`` or first argument."""
    for candidate in (
        exc.__cause__,
        exc.__context__,
        getattr(exc, "reason", None),
        exc.args[0] if exc.args else None,
    ):
        if isinstance(candidate, BaseException):
            return candidate
    return None


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and everything behind it, outermost first (requests -> urllib3 -> socket/ssl)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = _causes(current)
    return chain


def _unavailable(exc: requests.RequestException, *, url: str, timeout: float) -> JitsiUnavailable:
    host = urlsplit(url).hostname or url
    chain = _chain(exc)
    text = " ".join(str(item) for item in chain)
    if isinstance(exc, requests.exceptions.SSLError) or any(
        isinstance(e, ssl.SSLError) for e in chain
    ):
        innermost = chain[-1]
        reason = str(getattr(innermost, "reason", "") or innermost) or innermost.__class__.__name__
        return JitsiUnavailable(
            _(
                "Cannot reach %(url)s securely: the TLS connection failed (%(reason)s). Check the "
                "certificate (valid, not expired, issued for %(host)s, complete chain)."
            )
            % {"url": url, "reason": reason[:200], "host": host},
            url=url,
            reason="tls",
        )
    if isinstance(exc, requests.exceptions.Timeout):
        return JitsiUnavailable(
            _(
                "Cannot reach %(url)s: no answer within %(timeout)s seconds (timeout). Check the "
                "firewall and that the server is running."
            )
            % {"url": url, "timeout": f"{timeout:g}"},
            url=url,
            reason="timeout",
        )
    if (
        any(isinstance(e, socket.gaierror) for e in chain)
        or "NameResolutionError" in text
        or "Name or service not known" in text
        or "getaddrinfo failed" in text
        or "nodename nor servname" in text
        or "Temporary failure in name resolution" in text
    ):
        return JitsiUnavailable(
            _(
                "Cannot reach %(url)s: the name %(host)s cannot be resolved (DNS). Check the spelling "
                "of the domain and its DNS record."
            )
            % {"url": url, "host": host},
            url=url,
            reason="dns",
        )
    if (
        any(isinstance(e, ConnectionRefusedError) for e in chain)
        or "Connection refused" in text
        or "actively refused" in text
    ):
        return JitsiUnavailable(
            _(
                "Cannot reach %(url)s: the connection was refused. Is the web server running and the "
                "port open?"
            )
            % {"url": url},
            url=url,
            reason="refused",
        )
    return JitsiUnavailable(
        _("Cannot reach %(url)s: %(reason)s") % {"url": url, "reason": str(chain[-1])[:200]},
        url=url,
        reason="connection",
    )


def fetch(url: str, *, timeout: float, allow_error_status: bool = False) -> requests.Response:
    """GET ``url`` through the shared session with a timeout; raise :class:`JitsiUnavailable`
    on network errors and, unless ``allow_error_status``, on a status of 400 or more."""
    try:
        response = _session.get(url, timeout=timeout, allow_redirects=True)
    except requests.RequestException as exc:
        raise _unavailable(exc, url=url, timeout=timeout) from exc
    if response.status_code >= 400 and not allow_error_status:
        raise JitsiUnavailable(
            _("%(url)s answered with HTTP status %(status)s instead of 200.")
            % {"url": url, "status": response.status_code},
            url=url,
            reason="http",
            status=response.status_code,
        )
    return response
