"""External videos are two-click: the page never contacts YouTube or Vimeo, and the preview
image comes from our own server (fetched once, from a stand-in server here)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.storage import default_storage

from courses.embeds import fetch_thumbnail, parse_external_video
from courses.models import LessonPage

from .conftest import publish

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


@pytest.mark.parametrize(
    "url, provider, video_id",
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
        ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "vimeo", "76979871"),
    ],
)
def test_supported_addresses(url, provider, video_id):
    video = parse_external_video(url)
    assert (video.provider, video.video_id) == (provider, video_id)
    expected = {
        "youtube": "https://www.youtube-nocookie.com/embed/",
        "vimeo": "https://player.vimeo.com/video/",
    }
    assert video.embed_url.startswith(expected[provider] + video_id)
    if provider == "vimeo":
        assert "dnt=1" in video.embed_url


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/video",
        "javascript:alert(1)",
        "https://youtube.com/watch?v=x",
        "ftp://vimeo.com/123456",
        "not a url",
    ],
)
def test_unsupported_addresses(url):
    assert parse_external_video(url) is None


@pytest.fixture
def stand_in_thumbnail_server():
    requests_seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            requests_seen.append(self.path)
            body = JPEG if self.path.startswith("/vi/") else b"<html>nope</html>"
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests_seen
    server.shutdown()


def test_thumbnail_is_fetched_once_and_checked_by_content(
    settings, tmp_path, stand_in_thumbnail_server
):
    base, seen = stand_in_thumbnail_server
    settings.MEDIA_ROOT = tmp_path
    settings.TANDEM_COURSES_YOUTUBE_THUMBNAIL_URL = base + "/vi/{id}/hqdefault.jpg"
    video = parse_external_video("https://youtu.be/dQw4w9WgXcQ")
    assert video.cached_thumbnail_url() is None
    assert fetch_thumbnail(video)
    assert fetch_thumbnail(video)  # cached: no second request
    assert seen == ["/vi/dQw4w9WgXcQ/hqdefault.jpg"]
    assert default_storage.open(video.thumbnail_name).read() == JPEG
    settings.TANDEM_COURSES_YOUTUBE_THUMBNAIL_URL = base + "/html/{id}"
    other = parse_external_video("https://youtu.be/aaaaaaaaaaa")
    assert not fetch_thumbnail(other)  # HTML is not an image: nothing kept


@pytest.mark.django_db
def test_lesson_with_external_video_loads_nothing_from_the_provider(
    client, course, learner, settings, tmp_path, stand_in_thumbnail_server
):
    from courses import services

    base, _seen = stand_in_thumbnail_server
    settings.MEDIA_ROOT = tmp_path
    settings.TANDEM_COURSES_YOUTUBE_THUMBNAIL_URL = base + "/vi/{id}/hqdefault.jpg"
    lesson = publish(
        course,
        LessonPage(
            title="Extern",
            slug="extern",
            body=[
                (
                    "external_video",
                    {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "title": "Ein Vortrag"},
                )
            ],
        ),
    )
    from courses.tasks import cache_external_thumbnails

    cache_external_thumbnails.enqueue(["https://www.youtube.com/watch?v=dQw4w9WgXcQ"])
    services.enrolment_request(user=learner, course=course)
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    assert 'data-embed-url="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ' in html
    assert "<iframe" not in html and "i.ytimg.com" not in html
    assert "/media/external-thumbnails/youtube-dQw4w9WgXcQ.jpg" in html
