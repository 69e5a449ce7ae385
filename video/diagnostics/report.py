"""The check of the Jitsi server that ``manage.py jitsi_check`` reports."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import requests
from django.utils.translation import gettext as _

from video import conf

from .client import JitsiUnavailable, fetch, fetch_external_api_url
from .config_js import config_findings, strip_js_comments
from .findings import Finding


def _is_public_test_server(host: str) -> str:
    host = host.lower().rstrip(".")
    for server in conf.PUBLIC_TEST_SERVERS:
        if host == server or host.endswith("." + server):
            return server
    return ""


def _looks_like_html(response: requests.Response) -> bool:
    content_type = response.headers.get("Content-Type", "").lower()
    start = response.text.lstrip()[:200].lower()
    return "html" in content_type or start.startswith(("<!doctype", "<html", "<"))


def check_server(*, base_url: str, timeout: float, health_url: str = "") -> list[Finding]:
    """Ask the Jitsi server at ``base_url`` whether it is usable for private mentoring sessions.

    Checks that it answers, serves the IFrame API (JavaScript, not an error page), that
    ``config.js`` keeps third parties, recording and transcription out (a heuristic reading of
    JavaScript, see the module docstring), that the health endpoint answers 200 when given, and
    warns about public test servers. Never raises for network problems: they become findings."""
    base_url = base_url.rstrip("/")
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    findings: list[Finding] = []

    public = _is_public_test_server(host)
    if public:
        findings.append(
            Finding(
                "warning",
                _(
                    "%(host)s is a public server: anyone can use it and its operator is not bound "
                    "by your data processing agreement. Fine for a try-out, never for mentoring "
                    "conversations."
                )
                % {"host": host},
                _(
                    "Set %(setting)s to your organisation's own Jitsi Meet server (see docs/jitsi.md)."
                )
                % {"setting": "TANDEM_VIDEO_JITSI_DOMAIN"},
            )
        )
    if parts.scheme == "http" and host not in {"127.0.0.1", "localhost", "::1"}:
        findings.append(
            Finding(
                "error",
                _("%(url)s is reached without encryption (http).") % {"url": base_url},
                _("Serve Jitsi over HTTPS and set %(setting)s.")
                % {"setting": 'TANDEM_VIDEO_JITSI_SCHEME = "https"'},
            )
        )

    api_url = fetch_external_api_url(base_url)
    try:
        response = fetch(api_url, timeout=timeout, allow_error_status=True)
    except JitsiUnavailable as exc:
        findings.append(
            Finding(
                "error",
                exc.message,
                _(
                    "Check TANDEM_VIDEO_JITSI_DOMAIN and "
                    "TANDEM_VIDEO_JITSI_SCHEME, DNS, firewall "
                    "and the web server of the Jitsi host."
                ),
            )
        )
        return findings
    findings.append(Finding("ok", _("The server at %(url)s answers.") % {"url": base_url}))
    if response.status_code != 200:
        findings.append(
            Finding(
                "error",
                _("%(url)s answered with HTTP status %(status)s instead of the IFrame API.")
                % {"url": api_url, "status": response.status_code},
                _(
                    "Install jitsi-meet-web and let the web server serve /external_api.js (it comes from "
                    "jitsi-meet's libs folder)."
                ),
            )
        )
    elif _looks_like_html(response) or not any(
        marker in response.text for marker in ("JitsiMeetExternalAPI", "jitsi_meet_external_api")
    ):
        findings.append(
            Finding(
                "error",
                _(
                    "%(url)s does not serve the Jitsi IFrame API (JavaScript) but an HTML page or "
                    "something else."
                )
                % {"url": api_url},
                _(
                    "Check the web server (nginx) configuration of Jitsi: /external_api.js must be served "
                    "from jitsi-meet's libs folder as application/javascript."
                ),
            )
        )
    else:
        findings.append(Finding("ok", _("The IFrame API is served at %(url)s.") % {"url": api_url}))

    config_url = f"{base_url}/config.js"
    try:
        config_response = fetch(config_url, timeout=timeout)
    except JitsiUnavailable as exc:
        findings.append(
            Finding(
                "error",
                exc.message,
                _(
                    "Let the web server serve /config.js (Debian: /etc/jitsi/meet/<domain>-config.js)."
                ),
            )
        )
    else:
        if (
            _looks_like_html(config_response)
            and "config" not in strip_js_comments(config_response.text)[:2000]
        ):
            findings.append(
                Finding(
                    "error",
                    _("%(url)s is an HTML page, not Jitsi's configuration.") % {"url": config_url},
                    _(
                        "Let the web server serve /config.js (Debian: /etc/jitsi/meet/<domain>-config.js)."
                    ),
                )
            )
        else:
            findings.extend(config_findings(config_response.text))

    if health_url:
        absolute = urljoin(base_url + "/", health_url)
        try:
            fetch(absolute, timeout=timeout)
        except JitsiUnavailable as exc:
            findings.append(
                Finding(
                    "error",
                    _("Health check failed: %(reason)s") % {"reason": exc.message},
                    _(
                        "Check prosody, jicofo and the videobridge on the Jitsi host "
                        "(systemctl status prosody jicofo jitsi-videobridge2)."
                    ),
                )
            )
        else:
            findings.append(
                Finding("ok", _("The health endpoint %(url)s answers 200.") % {"url": absolute})
            )
    return findings
