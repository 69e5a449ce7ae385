from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from . import conf
from .video.jitsi import configured_server, is_public_test_server
from .video.providers import (
    HOOK,
    JitsiProvider,
    UnknownVideoProvider,
    VideoProviderError,
    chosen_name,
    get_video_provider,
    registered_providers,
)

E001 = "mentoring.E001"
E002 = "mentoring.E002"
E003 = "mentoring.E003"
W001 = "mentoring.W001"
W002 = "mentoring.W002"


@register()
def video_provider_check(app_configs, **kwargs) -> list:
    """TANDEM_MENTORING_VIDEO_PROVIDER names a registered provider, and every hook registers one."""
    try:
        providers = registered_providers()
    except VideoProviderError as error:
        return [
            Error(
                str(error),
                hint=f"Fix the function registered with the Wagtail hook {HOOK!r} "
                "(docs/video-providers.md).",
                id=E003,
            )
        ]
    name = chosen_name()
    if name in providers:
        return []
    registered = ", ".join(
        f"{key} ({provider.label or type(provider).__name__})"
        for key, provider in sorted(providers.items())
    )
    return [
        Error(
            f"TANDEM_MENTORING_VIDEO_PROVIDER names the video provider {name!r}, but none is registered under "
            "that name.",
            hint=f"Registered video providers: {registered}. Set TANDEM_MENTORING_VIDEO_PROVIDER to one of them "
            f"(default 'jitsi'), or register yours with the Wagtail hook {HOOK!r} in a wagtail_hooks.py of an "
            "installed app (docs/video-providers.md).",
            id=E002,
        )
    ]


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
        return []  # mentoring.E002 says so
    except VideoProviderError:
        return []  # mentoring.E003 says so
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
                hint="Configure it (see its documentation), choose another one with TANDEM_MENTORING_VIDEO_PROVIDER, "
                "or switch sessions off with SESSIONS_ENABLED=false.",
                id=E001,
            )
        ]
    return list(provider.checks())
