"""Settings of the knowledge base, read lazily with documented defaults (unset, ``None`` or ``""``:
the default; see ``cms.conf.AppSettings``).

TANDEM_KNOWLEDGE_REVIEW_INTERVAL_DAYS   review interval of a new space in days (default 365)
TANDEM_KNOWLEDGE_REVIEW_SOON_DAYS       articles due within this many days are listed as "due
                                        soon" for the space's managers (default 30)
"""

from cms.conf import AppSettings

DEFAULTS = {
    "REVIEW_INTERVAL_DAYS": 365,
    "REVIEW_SOON_DAYS": 30,
}

knowledge_settings = AppSettings("TANDEM_KNOWLEDGE_", DEFAULTS)
