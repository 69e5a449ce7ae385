from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from . import conf
from .video.jitsi import configured_server, is_public_test_server

E001 = "mentoring.E001"
W001 = "mentoring.W001"
W002 = "mentoring.W002"


@register(Tags.security)
def jitsi_server_check(app_configs, **kwargs) -> list:
    """In production, video sessions need the organisation's own Jitsi server with token auth."""
    if not getattr(settings, "TANDEM_REQUIRE_PRODUCTION_SETTINGS", False) or not conf.get("SESSIONS_ENABLED"):
        return []
    server = configured_server()
    if not server.configured:
        return [Error(
            "Video sessions are enabled but no Jitsi server is configured.",
            hint="Set JITSI_DOMAIN, JITSI_APP_ID and JITSI_APP_SECRET (token authentication of your own Jitsi "
                 "server, see docs/jitsi.md), or switch sessions off with SESSIONS_ENABLED=false.",
            id=E001)]
    problems = []
    if is_public_test_server(server.domain) and not server.jaas:
        problems.append(Warning(
            f"{server.domain} is a public test server.",
            hint="Run your own Jitsi Meet server (docs/jitsi.md); personal conversations do not belong on a "
                 "public server.", id=W001))
    if server.scheme != "https":
        problems.append(Warning("The Jitsi server is reached without HTTPS.",
                                hint="Set JITSI_SCHEME=https (the default).", id=W002))
    return problems
