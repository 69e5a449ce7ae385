"""Settings of the courses app, read lazily with documented defaults (unset, ``None`` or ``""``:
the default; see ``cms.conf.AppSettings``).

TANDEM_COURSES_VIDEO_MAX_UPLOAD_MB      largest learning video upload (default 2048)
TANDEM_COURSES_WATCHED_THRESHOLD        share of a video that must really be watched (default 0.9)
TANDEM_COURSES_MAX_PLAYBACK_RATE        fastest playback credited as watching (default 2.0)
TANDEM_COURSES_PRIVATE_MEDIA_ROOT       folder for videos and trainer kits, never served as media
                                        (default: BASE_DIR / "private-media")
TANDEM_COURSES_CERTIFICATE_ISSUER       name printed on certificates (default: the site name)
TANDEM_COURSES_CERTIFICATE_RENDERER     dotted path of the function that makes a certificate's PDF; called
                                        with the keyword arguments certificate, verify_url and language,
                                        it returns the PDF as bytes
                                        (default "courses.certificates_pdf.certificate_pdf")
TANDEM_COURSES_YOUTUBE_THUMBNAIL_URL    where the server fetches YouTube preview images once
                                        (default "https://i.ytimg.com/vi/{id}/hqdefault.jpg")
TANDEM_COURSES_TRAINER_GROUP            group whose members may publish courses in every course
                                        catalogue (default "Trainer:innen")
TANDEM_COURSES_LIVE_ATTENDANCE_MODE     "minutes" (minutes and share per person and live session)
                                        or "boolean" (only whether a person attended; for
                                        organisations whose works council requires it)
                                        (default "minutes")
TANDEM_COURSES_LIVE_JOIN_EARLY_MINUTES  how long before a live session's start the room opens
                                        (default 15)
TANDEM_COURSES_LIVE_JOIN_LATE_MINUTES   how long after its end the room stays open (default 15)
TANDEM_COURSES_WORKSHOP_UNDO_DAYS       days during which removing a live session's workshop can be
                                        undone; its tables and seating are kept that long (default 14)
"""

from pathlib import Path

from django.conf import settings

from cms.conf import AppSettings


def _private_media_root() -> Path:
    return Path(getattr(settings, "BASE_DIR", ".")) / "private-media"


def _site_name() -> str:
    return getattr(settings, "WAGTAIL_SITE_NAME", "Tandem")


DEFAULTS = {
    "VIDEO_MAX_UPLOAD_MB": 2048,
    "WATCHED_THRESHOLD": 0.9,
    "MAX_PLAYBACK_RATE": 2.0,
    "PRIVATE_MEDIA_ROOT": _private_media_root,
    "CERTIFICATE_ISSUER": _site_name,
    "CERTIFICATE_RENDERER": "courses.certificates_pdf.certificate_pdf",
    "TRAINER_GROUP": "Trainer:innen",
    "YOUTUBE_THUMBNAIL_URL": "https://i.ytimg.com/vi/{id}/hqdefault.jpg",
    "LIVE_ATTENDANCE_MODE": "minutes",
    "LIVE_JOIN_EARLY_MINUTES": 15,
    "LIVE_JOIN_LATE_MINUTES": 15,
    "WORKSHOP_UNDO_DAYS": 14,
}

courses_settings = AppSettings("TANDEM_COURSES_", DEFAULTS)
get = courses_settings.get
