"""What a join page may contact and use: the video server's origins for its
Content-Security-Policy (scripts and frames) and Permissions-Policy (camera, microphone, screen
sharing). The site's middleware (``lms.security``) relaxes its policies only for the views
registered here, e.g. ``register_video_room_view("mentoring:session-join")`` in an app's
``AppConfig.ready``; every other page keeps them shut."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .providers import VideoProviderError, get_video_provider

#: The features a video room gets back for itself and the video server.
VIDEO_ROOM_FEATURES = ("camera", "microphone", "display-capture")

_ORIGIN = re.compile(r"^https?://[a-z0-9.-]+(:[0-9]{1,5})?$")
_views: set[str] = set()


def register_video_room_view(view_name: str) -> None:
    """A URL name (``namespace:name``) whose pages embed a video room."""
    _views.add(view_name)


def video_room_views() -> frozenset[str]:
    return frozenset(_views)


def video_origins() -> tuple[str, ...]:
    """``scheme://host[:port]`` the chosen video provider's client may use on the join page
    (``origins()`` of :func:`video.providers.get_video_provider`; for the built-in Jitsi
    TANDEM_VIDEO_JITSI_SCHEME and _DOMAIN). Values that are no plain origin are left out; no
    provider (an unknown name, system check video.E002) means none."""
    try:
        candidates = get_video_provider().origins()
    except VideoProviderError:
        return ()
    origins: list[str] = []
    for candidate in candidates:
        try:
            parts = urlsplit(str(candidate).strip())
        except ValueError:
            continue
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        if _ORIGIN.match(origin) and origin not in origins:
            origins.append(origin)
    return tuple(origins)
