from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from video.jitsi import configured_server, is_public_test_server
from video.providers import (
    JitsiProvider,
    UnknownVideoProvider,
    VideoProviderError,
    get_video_provider,
)

from . import conf

E001 = "mentoring.E001"
W001 = "mentoring.W001"
W002 = "mentoring.W002"


@register(Tags.security)
def jitsi_server_check(app_configs, **kwargs) -> list:
    """In production, video sessions need a configured video provider; the built-in Jitsi one the
    organisation's own Jitsi server with token auth."""
    if not getattr(settings, "TANDEM_REQUIRE_PRODUCTION_SETTINGS", False) or not conf.get(
        "SESSIONS_ENABLED"
    ):
        return []
    try:
        provider = get_video_provider()
    except UnknownVideoProvider:
        return []  # video.E002 says so
    except VideoProviderError:
        return []  # video.E003 says so
    if not isinstance(provider, JitsiProvider):
        return _other_provider_check(provider)
    server = configured_server()
    if not server.configured:
        return [
            Error(
                "Video sessions are enabled but no Jitsi server is configured.",
                hint="Set JITSI_DOMAIN, JITSI_APP_ID and JITSI_APP_SECRET (token authentication of your own Jitsi "
                "server, see docs/jitsi.md), or switch sessions off with SESSIONS_ENABLED=false.",
                id=E001,
            )
        ]
    problems = []
    if is_public_test_server(server.domain) and not server.jaas:
        problems.append(
            Warning(
                f"{server.domain} is a public test server.",
                hint="Run your own Jitsi Meet server (docs/jitsi.md); personal conversations do not belong on a "
                "public server.",
                id=W001,
            )
        )
    if server.scheme != "https":
        problems.append(
            Warning(
                "The Jitsi server is reached without HTTPS.",
                hint="Set JITSI_SCHEME=https (the default).",
                id=W002,
            )
        )
    return problems + list(provider.checks())


def _other_provider_check(provider) -> list:
    if not provider.is_configured():
        return [
            Error(
                f"Video sessions are enabled but the video provider {provider.name!r} is not configured.",
                hint="Configure it (see its documentation), choose another one with TANDEM_VIDEO_PROVIDER, "
                "or switch sessions off with SESSIONS_ENABLED=false.",
                id=E001,
            )
        ]
    return list(provider.checks())
