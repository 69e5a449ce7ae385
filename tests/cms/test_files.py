import os
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.http import StreamingHttpResponse
from django.utils.http import http_date

from cms.files import FileChunks, parse_range, serve_file

CONTENT = bytes(range(256)) * 40 + b"Ende"  # 10244 bytes, every offset recognisable
SIZE = len(CONTENT)
GERMAN_NAME = "Leitfaden für Multiplikator:innen.pdf"

# Closing a response fires request_finished, which looks at the database connections.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def django_delivery(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TANDEM_FILE_DELIVERY = "django"
    return settings


@pytest.fixture
def stored(tmp_path) -> Path:
    path = tmp_path / "kits" / "modul-1.pdf"
    path.parent.mkdir()
    path.write_bytes(CONTENT)
    return path


@pytest.fixture
def field_file(tmp_path, stored) -> FieldFile:
    storage = FileSystemStorage(location=tmp_path)
    return FieldFile(instance=None, field=FileField(storage=storage), name="kits/modul-1.pdf")


@pytest.fixture
def plain_file(stored):
    file = File(open(stored, "rb"))  # serve_file closes it
    yield file
    file.close()


def serve(rf, file, method="get", headers=None, **kwargs):
    request = getattr(rf, method)("/kurse/datei", headers=headers or {})
    kwargs.setdefault("content_type", "application/pdf")
    return serve_file(request, file=file, **kwargs)


def body(response) -> bytes:
    if isinstance(response, StreamingHttpResponse):
        try:
            return b"".join(response.streaming_content)
        finally:
            response.close()
    return response.content


def test_full_file(rf, field_file, stored):
    response = serve(rf, field_file)
    assert response.status_code == 200
    assert body(response) == CONTENT
    assert response["Content-Length"] == str(SIZE)
    assert response["Content-Type"] == "application/pdf"
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=0"
    assert response["Last-Modified"] == http_date(int(stored.stat().st_mtime))
    assert response["ETag"].startswith(f'"{SIZE:x}-')
    assert "Content-Disposition" not in response
    assert field_file.closed


def test_plain_file_is_streamed_in_chunks_and_closed(rf, plain_file):
    response = serve(rf, plain_file, cache_private_seconds=3600)
    assert response.streaming
    chunks = list(response.streaming_content)
    assert b"".join(chunks) == CONTENT
    assert max(len(chunk) for chunk in chunks) <= 64 * 1024
    response.close()
    assert plain_file.closed
    assert response["Cache-Control"] == "private, max-age=3600"


def test_chunks_are_bounded(tmp_path):
    path = tmp_path / "gross.bin"
    path.write_bytes(CONTENT)
    with open(path, "rb") as handle:
        chunks = list(FileChunks(handle, 100, 1000, chunk_size=300))
    assert [len(chunk) for chunk in chunks] == [300, 300, 300, 100]
    assert b"".join(chunks) == CONTENT[100:1100]


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=100-199", 100, 199),
        (f"bytes=10000-{SIZE + 500}", 10000, SIZE - 1),  # the end is clamped
        ("bytes=10000-", 10000, SIZE - 1),  # open-ended
        ("bytes=-100", SIZE - 100, SIZE - 1),  # suffix
        (f"bytes=-{SIZE * 2}", 0, SIZE - 1),  # suffix longer than the file
        ("Bytes = 5-5", 5, 5),
        ("bytes=0-0,", 0, 0),  # an empty list element is allowed
    ],
)
def test_single_range(rf, field_file, header, first, last):
    response = serve(rf, field_file, headers={"range": header})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{SIZE}"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Accept-Ranges"] == "bytes"
    assert body(response) == CONTENT[first : last + 1]


@pytest.mark.parametrize(
    "header",
    [
        f"bytes={SIZE}-",
        f"bytes={SIZE + 1}-{SIZE + 9}",
        "bytes=50-10",
        "bytes=-0",
        "bytes=999999999999999999999-",
    ],
)
def test_unsatisfiable_range(rf, field_file, header):
    response = serve(rf, field_file, headers={"range": header})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"
    assert response["Accept-Ranges"] == "bytes"
    assert response.content == b""
    assert field_file.closed


@pytest.mark.parametrize(
    "header",
    [
        "bytes=0-1,5-6",
        "bytes=0-99, 200-299",
        "items=0-5",
        "bytes=abc",
        "bytes=",
        "bytes=-",
        "0-99",
        "bytes=1-2-3",
        "bytes=" + "9" * 5000 + "-",
    ],
)
def test_multiple_or_foreign_ranges_get_the_whole_file(rf, field_file, header):
    response = serve(rf, field_file, headers={"range": header})
    assert response.status_code == 200
    assert "Content-Range" not in response
    assert body(response) == CONTENT


def test_empty_file(rf, tmp_path):
    (tmp_path / "leer.txt").write_bytes(b"")
    file = FieldFile(None, FileField(storage=FileSystemStorage(location=tmp_path)), "leer.txt")
    response = serve(rf, file, content_type="text/plain")
    assert (response.status_code, response["Content-Length"], body(response)) == (200, "0", b"")
    assert serve(rf, file, headers={"range": "bytes=0-"}).status_code == 416
    assert serve(rf, file, headers={"range": "bytes=-5"}).status_code == 416


def test_head_sends_headers_only(rf, field_file):
    response = serve(rf, field_file, method="head", headers={"range": "bytes=0-99"})
    # Range is defined for GET only; HEAD describes the whole file.
    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Length"] == str(SIZE)
    assert response["Accept-Ranges"] == "bytes"
    assert field_file.closed


def test_if_range(rf, field_file, stored):
    etag = serve(rf, field_file, method="head")["ETag"]
    last_modified = http_date(int(stored.stat().st_mtime))
    for validator in (etag, last_modified):
        response = serve(rf, field_file, headers={"range": "bytes=0-9", "if-range": validator})
        assert response.status_code == 206 and body(response) == CONTENT[:10]
    for validator in ('"anders"', "W/" + etag, "Thu, 01 Jan 2015 00:00:00 GMT", "kein Datum"):
        response = serve(rf, field_file, headers={"range": "bytes=0-9", "if-range": validator})
        assert response.status_code == 200
        assert body(response) == CONTENT


def test_conditional_requests(rf, field_file):
    etag = serve(rf, field_file, method="head")["ETag"]
    response = serve(rf, field_file, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag and response["Cache-Control"] == "private, max-age=0"
    assert field_file.closed
    assert serve(rf, field_file, headers={"if-match": '"anders"'}).status_code == 412


def test_content_disposition_with_a_german_filename(rf, field_file):
    response = serve(rf, field_file, filename=GERMAN_NAME, as_attachment=True)
    header = response["Content-Disposition"]
    header.encode("ascii")  # RFC 6266: header values are ASCII; the name goes in filename*
    assert header == (
        "attachment; filename*=utf-8''Leitfaden%20f%C3%BCr%20Multiplikator%3Ainnen.pdf"
    )
    assert unquote(header.split("''", 1)[1]) == GERMAN_NAME
    inline = serve(rf, field_file, filename="Modul 1.pdf")["Content-Disposition"]
    assert inline == 'inline; filename="Modul 1.pdf"'
    assert serve(rf, field_file, as_attachment=True)["Content-Disposition"] == "attachment"


def test_filename_cannot_inject_paths_or_headers(rf, field_file):
    header = serve(
        rf, field_file, filename="../../etc/passwd\r\nSet-Cookie: x=1", as_attachment=True
    )["Content-Disposition"]
    assert "\r" not in header and "\n" not in header and "/" not in header
    assert header == 'attachment; filename=".._.._etc_passwd__Set-Cookie: x=1"'


def test_cache_control_is_never_public(rf, field_file):
    response = serve(rf, field_file, cache_private_seconds=600)
    assert response["Cache-Control"] == "private, max-age=600"
    with pytest.raises(ValueError):
        serve(rf, field_file, cache_private_seconds=-1)


def test_missing_file_raises_before_a_response_exists(rf, tmp_path):
    missing = FieldFile(None, FileField(storage=FileSystemStorage(location=tmp_path)), "weg.pdf")
    with pytest.raises(FileNotFoundError):
        serve(rf, missing)


def test_x_accel_redirect(rf, settings, tmp_path, field_file, plain_file):
    settings.TANDEM_FILE_DELIVERY = "x-accel-redirect"
    response = serve(
        rf,
        field_file,
        filename=GERMAN_NAME,
        as_attachment=True,
        headers={"range": "bytes=0-99"},
        cache_private_seconds=60,
    )
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-media/kits/modul-1.pdf"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert response["Cache-Control"] == "private, max-age=60"
    assert "Content-Range" not in response  # nginx does ranges

    settings.TANDEM_FILE_INTERNAL_PREFIX = "/intern"
    assert serve(rf, plain_file)["X-Accel-Redirect"] == "/intern/kits/modul-1.pdf"
    assert plain_file.closed

    (tmp_path / "kits" / "Grüße an alle.mp4").write_bytes(b"video")
    umlaut = FieldFile(None, field_file.field, "kits/Grüße an alle.mp4")
    assert serve(rf, umlaut)["X-Accel-Redirect"] == "/intern/kits/Gr%C3%BC%C3%9Fe%20an%20alle.mp4"


def test_x_accel_redirect_refuses_files_outside_the_storage(rf, settings, tmp_path):
    settings.TANDEM_FILE_DELIVERY = "x-accel-redirect"
    settings.MEDIA_ROOT = tmp_path / "media"
    outside = tmp_path / "geheim.txt"
    outside.write_bytes(b"x")
    with open(outside, "rb") as handle, pytest.raises(SuspiciousFileOperation):
        serve(rf, File(handle))


def test_x_sendfile(rf, settings, field_file, plain_file, stored):
    settings.TANDEM_FILE_DELIVERY = "x-sendfile"
    response = serve(rf, field_file, method="head", filename="Modul 1.pdf")
    assert response["X-Sendfile"] == str(stored)
    assert os.path.isabs(response["X-Sendfile"])
    assert response.content == b""
    assert response["Content-Disposition"] == 'inline; filename="Modul 1.pdf"'
    assert response["Cache-Control"] == "private, max-age=0"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert serve(rf, plain_file)["X-Sendfile"] == str(stored)


def test_unknown_delivery_mode(rf, settings, field_file):
    settings.TANDEM_FILE_DELIVERY = "s3"
    with pytest.raises(ImproperlyConfigured):
        serve(rf, field_file)


def test_parse_range_edge_cases():
    assert parse_range(None, 10) is None
    assert parse_range("bytes=0-9", 10) == (0, 9)
    assert parse_range("bytes=9-", 10) == (9, 9)
    assert parse_range("bytes=-10", 10) == (0, 9)
