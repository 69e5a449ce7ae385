"""External videos (YouTube, Vimeo) as two-click embeds: the page shows our own cached
thumbnail and a consent button; only after the viewer agrees does the browser contact the
provider, and then YouTube's no-cookie domain or Vimeo with do-not-track."""

import logging
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

from . import conf

logger = logging.getLogger(__name__)
THUMBNAIL_TIMEOUT_SECONDS = 5
THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024

NOT_A_SUPPORTED_VIDEO = _("Enter the address of a single YouTube or Vimeo video.")

_YOUTUBE_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtube-nocookie.com",
    "www.youtube-nocookie.com",
}
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^\d{6,12}$")


@dataclass(frozen=True)
class ExternalVideo:
    provider: str  # "youtube" | "vimeo"
    video_id: str

    @property
    def provider_name(self) -> str:
        return {"youtube": "YouTube", "vimeo": "Vimeo"}[self.provider]

    @property
    def embed_url(self) -> str:
        if self.provider == "youtube":
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}?rel=0&autoplay=1"
        return f"https://player.vimeo.com/video/{self.video_id}?dnt=1&autoplay=1"

    @property
    def thumbnail_source_url(self) -> str | None:
        """Where our server fetches the preview image once; browsers never ask the provider."""
        if self.provider == "youtube":
            return str(conf.get("YOUTUBE_THUMBNAIL_URL")).format(id=self.video_id)
        return None  # Vimeo offers thumbnails only through its API; we show our own placeholder

    @property
    def thumbnail_name(self) -> str:
        return f"external-thumbnails/{self.provider}-{self.video_id}.jpg"

    def cached_thumbnail_url(self) -> str | None:
        """Our own copy of the preview image, if the server has fetched it."""
        storage = default_storage
        return storage.url(self.thumbnail_name) if storage.exists(self.thumbnail_name) else None

    @property
    def privacy_url(self) -> str:
        return {
            "youtube": "https://policies.google.com/privacy",
            "vimeo": "https://vimeo.com/privacy",
        }[self.provider]


def parse_external_video(url: str) -> ExternalVideo | None:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"}:
        return None
    host = (parts.hostname or "").lower()
    path = parts.path.rstrip("/")
    if host in _YOUTUBE_HOSTS:
        candidate = None
        if path == "/watch":
            candidate = parse_qs(parts.query).get("v", [None])[0]
        elif path.startswith(("/embed/", "/shorts/", "/live/")):
            candidate = path.split("/")[2]
        if candidate and _YOUTUBE_ID.match(candidate):
            return ExternalVideo("youtube", candidate)
        return None
    if host == "youtu.be":
        candidate = path.lstrip("/")
        return ExternalVideo("youtube", candidate) if _YOUTUBE_ID.match(candidate) else None
    if host in {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}:
        candidate = path.split("/")[-1]
        return ExternalVideo("vimeo", candidate) if _VIMEO_ID.match(candidate) else None
    return None


def fetch_thumbnail(video: ExternalVideo, *, session: requests.Session | None = None) -> bool:
    """Fetch the provider's preview image once and keep it on our server. Only JPEG or PNG
    images (checked by content) are kept. Returns whether a copy exists afterwards."""
    if default_storage.exists(video.thumbnail_name):
        return True
    source = video.thumbnail_source_url
    if source is None:
        return False
    http = session or requests.Session()
    try:
        response = http.get(source, timeout=THUMBNAIL_TIMEOUT_SECONDS, stream=True)
        response.raise_for_status()
        data = response.raw.read(THUMBNAIL_MAX_BYTES + 1, decode_content=True)
    except requests.RequestException as error:
        logger.warning("Could not fetch the preview image of %s: %s", video.video_id, error)
        return False
    if len(data) > THUMBNAIL_MAX_BYTES or not (
        data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG")
    ):
        logger.warning("Preview image of %s is not a JPEG or PNG image; not kept.", video.video_id)
        return False
    default_storage.save(video.thumbnail_name, ContentFile(data))
    return True
