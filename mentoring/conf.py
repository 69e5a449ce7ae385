"""Settings of the mentoring app, read lazily with documented defaults (unset, ``None`` or ``""``:
the default; see ``cms.conf.AppSettings``).

TANDEM_MENTORING_SESSIONS_ENABLED   tandems book video sessions (default True); in production this
                                    needs a configured video provider (system check mentoring.E001)
TANDEM_MENTORING_VIDEO_PROVIDER     name of the video provider for the rooms (default "jitsi", built
                                    in); others are registered with the Wagtail hook
                                    ``register_tandem_video_provider`` (docs/video-providers.md);
                                    an unknown name: system check mentoring.E002
TANDEM_MENTORING_JITSI_DOMAIN       the organisation's own Jitsi Meet server, e.g. "meet.example.org"
TANDEM_MENTORING_JITSI_APP_ID       app id of prosody's token authentication (``app_id``)
TANDEM_MENTORING_JITSI_APP_SECRET   shared secret of token authentication (``app_secret``)
TANDEM_MENTORING_JITSI_AUDIENCE     ``aud`` claim the server accepts (default "jitsi")
TANDEM_MENTORING_JITSI_SCHEME       "https" (default); "http" only for a local test server
TANDEM_MENTORING_JITSI_API_TOKEN    bearer token prosody sends to the reservation and event
                                    endpoints (``reservations_api_headers``); empty = endpoints off
TANDEM_MENTORING_JITSI_HEALTH_URL   optional health endpoint checked by ``jitsi_check``
TANDEM_MENTORING_JITSI_TIMEOUT      seconds for every request to the server (default 5)
TANDEM_MENTORING_JITSI_JAAS_KEY_ID  JaaS (8x8) option: API key id; with it tokens are signed RS256
TANDEM_MENTORING_JITSI_JAAS_PRIVATE_KEY  JaaS option: the PEM private key (text or file path)
TANDEM_MENTORING_PROGRAMME_END_UNDO_DAYS  days during which ending a programme's tandems can be
                                    undone in the matching workspace (default 14)
"""

from pathlib import Path

from cms.conf import AppSettings

DEFAULTS = {
    "SESSIONS_ENABLED": True,
    "VIDEO_PROVIDER": "jitsi",
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
    "PROGRAMME_END_UNDO_DAYS": 14,
}

# Servers anyone can use: fine for a try-out, never for personal conversations.
PUBLIC_TEST_SERVERS = ("meet.jit.si", "8x8.vc", "jitsi.riot.im", "meet.ffmuc.net", "framatalk.org")


mentoring_settings = AppSettings("TANDEM_MENTORING_", DEFAULTS)


def get(name: str):
    value = mentoring_settings.get(name)
    if name == "JITSI_JAAS_PRIVATE_KEY" and value and not str(value).lstrip().startswith("-----"):
        path = Path(value)
        value = path.read_text() if path.is_file() else ""
    return value
