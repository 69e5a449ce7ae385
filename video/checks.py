"""System checks of the video app: the chosen provider is registered, and the site has what the
video app needs."""

from django.core.checks import Error, register

from cms.checks import missing_apps

from .providers import HOOK, VideoProviderError, chosen_name, registered_providers

E002 = "video.E002"
E003 = "video.E003"

NEEDS = {"cms": "Tandem's shared base (settings, privacy inventory, audit log)"}


@register()
def video_apps_check(app_configs, **kwargs) -> list:
    return missing_apps(app="video", needs=NEEDS, check_id="video.E100")


@register()
def video_provider_check(app_configs, **kwargs) -> list:
    """TANDEM_VIDEO_PROVIDER names a registered provider, and every hook registers one."""
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
            f"TANDEM_VIDEO_PROVIDER names the video provider {name!r}, but none is registered under "
            "that name.",
            hint=f"Registered video providers: {registered}. Set TANDEM_VIDEO_PROVIDER to one of them "
            f"(default 'jitsi'), or register yours with the Wagtail hook {HOOK!r} in a wagtail_hooks.py of an "
            "installed app (docs/video-providers.md).",
            id=E002,
        )
    ]
