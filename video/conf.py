"""Settings of the video app, read lazily with documented defaults (unset, ``None`` or ``""``: the
default; see ``cms.conf.AppSettings``). The names of before the video app (``TANDEM_MENTORING_JITSI_*``,
``TANDEM_MENTORING_VIDEO_PROVIDER``) are still read when the new one is unset.

TANDEM_VIDEO_PROVIDER               name of the video provider for the rooms (default "jitsi", built
                                    in); others are registered with the Wagtail hook
                                    ``register_tandem_video_provider`` (docs/video-providers.md);
                                    an unknown name: system check mentoring.E002
TANDEM_VIDEO_JITSI_DOMAIN           the organisation's own Jitsi Meet server, e.g. "meet.example.org"
TANDEM_VIDEO_JITSI_APP_ID           app id of prosody's token authentication (``app_id``)
TANDEM_VIDEO_JITSI_APP_SECRET       shared secret of token authentication (``app_secret``)
TANDEM_VIDEO_JITSI_AUDIENCE         ``aud`` claim the server accepts (default "jitsi")
TANDEM_VIDEO_JITSI_SCHEME           "https" (default); "http" only for a local test server
TANDEM_VIDEO_JITSI_API_TOKEN        bearer token prosody sends to the reservation and event
                                    endpoints (``reservations_api_headers``); empty = endpoints off
TANDEM_VIDEO_JITSI_HEALTH_URL       optional health endpoint checked by ``jitsi_check``
TANDEM_VIDEO_JITSI_TIMEOUT          seconds for every request to the server (default 5)
TANDEM_VIDEO_JITSI_JAAS_KEY_ID      JaaS (8x8) option: API key id; with it tokens are signed RS256
TANDEM_VIDEO_JITSI_JAAS_PRIVATE_KEY JaaS option: the PEM private key (text or file path)
TANDEM_VIDEO_ROOM_RETENTION_DAYS    days the time, host and attendance of a meeting in a video room
                                    are kept (default 90; also TANDEM_RETENTION["video_meetings"])
TANDEM_VIDEO_INVITATION_DAYS        default validity of a guest link in days (default 14)
"""

from pathlib import Path

from django.conf import settings

from cms.conf import AppSettings

DEFAULTS = {
    "PROVIDER": "jitsi",
    "JITSI_DOMAIN": "",
    "JITSI_APP_ID": "",
    "JITSI_APP_SECRET": "",
    "JITSI_AUDIENCE": "jitsi",
    "JITSI_SCHEME": "https",
    "JITSI_API_TOKEN": "",
    "JITSI_HEALTH_URL": "",
    "JITSI_TIMEOUT": 5.0,
    "JITSI_JAAS_KEY_ID": "",
    "JITSI_JAAS_PRIVATE_KEY": "",
    "ROOM_RETENTION_DAYS": 90,
    "INVITATION_DAYS": 14,
}

# Servers anyone can use: fine for a try-out, never for personal conversations.
PUBLIC_TEST_SERVERS = ("meet.jit.si", "8x8.vc", "jitsi.riot.im", "meet.ffmuc.net", "framatalk.org")

video_settings = AppSettings("TANDEM_VIDEO_", DEFAULTS)


def legacy_name(name: str) -> str:
    """The setting's name before the video app had its own (mentoring's)."""
    return "TANDEM_MENTORING_VIDEO_PROVIDER" if name == "PROVIDER" else f"TANDEM_MENTORING_{name}"


def setting_name(name: str) -> str:
    """The name a site should set (for messages)."""
    return f"TANDEM_VIDEO_{name}"


def get(name: str):
    if not video_settings.is_set(name) and name.startswith(("JITSI_", "PROVIDER")):
        legacy = getattr(settings, legacy_name(name), None)
        value = legacy if legacy not in (None, "") else video_settings.get(name)
    else:
        value = video_settings.get(name)
    if name == "JITSI_JAAS_PRIVATE_KEY" and value and not str(value).lstrip().startswith("-----"):
        path = Path(value)
        value = path.read_text() if path.is_file() else ""
    return value
