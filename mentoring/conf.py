"""Settings of the mentoring app, read lazily with documented defaults (unset, ``None`` or ``""``:
the default; see ``cms.conf.AppSettings``).

TANDEM_MENTORING_SESSIONS_ENABLED   tandems book video sessions (default True); in production this
                                    needs a configured video provider (system check mentoring.E001)
TANDEM_MENTORING_PROGRAMME_END_UNDO_DAYS  days during which ending a programme's tandems can be
                                    undone in the matching workspace (default 14)

The video server (Jitsi) and the video provider are settings of the video app (video/conf.py).
"""

from cms.conf import AppSettings

DEFAULTS = {
    "SESSIONS_ENABLED": True,
    "PROGRAMME_END_UNDO_DAYS": 14,
}

mentoring_settings = AppSettings("TANDEM_MENTORING_", DEFAULTS)


def get(name: str):
    return mentoring_settings.get(name)
