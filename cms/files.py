"""Deliver a file after the view has checked access: HTTP range requests, caching headers and
hand-off to the web server.

Files of restricted courses (videos, trainer-kit documents) are not under ``MEDIA_URL``. A view
checks that the user may see the file and then calls::

    return serve_file(request, file=lesson.video, content_type="video/mp4",
                      filename="Modul 1.mp4", cache_private_seconds=3600)

``settings.TANDEM_FILE_DELIVERY`` chooses how the bytes are sent:

``"django"`` (default)
    Django streams the file itself, in chunks, with single byte ranges (``Range: bytes=a-b``,
    ``bytes=a-``, ``bytes=-n`` → 206; impossible ranges → 416; several ranges → the whole file,
    200), ``If-Range``, ``ETag``/``Last-Modified`` (from size and modification time) and
    conditional requests (304). Good for development and small sites; it ties up a worker
    process for the whole download, so use one of the modes below for video in production.

``"x-accel-redirect"`` (nginx)
    The response is empty and carries ``X-Accel-Redirect: <prefix><storage name>``, with the
    prefix from ``settings.TANDEM_FILE_INTERNAL_PREFIX`` (default ``/protected-media/``) and
    the name percent-encoded (nginx decodes it). nginx then serves the file, ranges included,
    and keeps the ``Content-Type``, ``Content-Disposition`` and ``Cache-Control`` set here.
    The location must be ``internal`` so that nobody can request it directly, and must point at
    the storage's directory (``MEDIA_ROOT`` for the default storage)::

        location /protected-media/ {
            internal;
            alias /srv/tandem/media/;   # MEDIA_ROOT, with the trailing slash
        }

        # The public media location must not expose the protected files as well, e.g.:
        location /media/ {
            alias /srv/tandem/media/public/;
        }

    Files in object storage (a storage without local paths, e.g. django-storages' S3 storage
    with ``querystring_auth``) are handed to ``settings.TANDEM_FILE_OBJECT_STORE_PREFIX``
    (default ``/protected-object-store/``) followed by the path and query of a signed URL that
    expires within a minute (the storage's ``querystring_expire``). The path is percent-encoded
    once more because nginx decodes the location before proxying. The location must be
    ``internal`` and proxy to the object store's address that the URL was signed for
    (``ops/nginx/tandem.conf``)::

        location ~ ^/protected-object-store(/.*)$ {
            internal;
            proxy_pass http://127.0.0.1:8333$1$is_args$args;
            proxy_set_header Authorization "";
            proxy_set_header Cookie "";
        }

    The browser never sees the signed URL: nginx fetches the bytes (ranges included).

``"x-sendfile"`` (Apache with mod_xsendfile, lighttpd)
    The response is empty and carries ``X-Sendfile: <absolute path>``, percent-encoded as
    mod_xsendfile expects by default (``XSendFileUnescape On``). Apache::

        LoadModule xsendfile_module modules/mod_xsendfile.so
        <VirtualHost *:443>
            # ... WSGIDaemonProcess / ProxyPass to the application server ...
            XSendFile On
            XSendFilePath /srv/tandem/media
        </VirtualHost>

    lighttpd: set ``"allow-x-send-file" => "enable"`` in the ``fastcgi.server``/``proxy``
    block; check with a file name containing non-ASCII characters that your version decodes
    the path, or keep stored names ASCII.

In every mode the response says ``Cache-Control: private, max-age=N`` (never ``public``: shared
caches must not keep restricted files) and ``X-Content-Type-Options: nosniff``.
"""

import os
import re
from collections.abc import Iterator
from typing import IO
from urllib.parse import quote as url_quote
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe

from . import conf

DELIVERY_DJANGO = "django"
DELIVERY_X_ACCEL_REDIRECT = "x-accel-redirect"
DELIVERY_X_SENDFILE = "x-sendfile"
DELIVERY_MODES = (DELIVERY_DJANGO, DELIVERY_X_ACCEL_REDIRECT, DELIVERY_X_SENDFILE)
DEFAULT_INTERNAL_PREFIX = "/protected-media/"
CHUNK_SIZE = 64 * 1024

_RANGE_SPEC_RE = re.compile(r"([0-9]*)-([0-9]*)")
_UNSAFE_FILENAME_RE = re.compile(r"[\x00-\x1f\x7f/\\]")


class _Unsatisfiable:
    """Marker: the Range header asks for bytes the file does not have (→ 416)."""


UNSATISFIABLE = _Unsatisfiable()


def serve_file(
    request: HttpRequest,
    *,
    file: File | FieldFile,
    content_type: str,
    filename: str | None = None,
    as_attachment: bool = False,
    cache_private_seconds: int = 0,
) -> HttpResponseBase:
    """Respond with ``file``; call only after checking access. The file is closed when the
    response is done (or at once, if no bytes are sent). Open plain ``File`` objects in binary
    mode. ``filename`` is the name the browser shows or saves, not the stored name."""
    if cache_private_seconds < 0:
        raise ValueError("cache_private_seconds must not be negative")
    mode = delivery_mode()
    if mode == DELIVERY_DJANGO:
        return _serve_with_django(
            request, file, content_type, filename, as_attachment, cache_private_seconds
        )
    response = HttpResponse(content_type=content_type)
    try:
        if mode == DELIVERY_X_ACCEL_REDIRECT:
            response["X-Accel-Redirect"] = internal_uri(file)
        else:
            response["X-Sendfile"] = url_quote(absolute_path(file))
    finally:
        file.close()
    _add_headers(response, filename, as_attachment, cache_private_seconds)
    return response


def delivery_mode() -> str:
    mode = str(conf.get("FILE_DELIVERY")).lower()
    if mode not in DELIVERY_MODES:
        raise ImproperlyConfigured(
            f"TANDEM_FILE_DELIVERY must be one of {', '.join(DELIVERY_MODES)}, not {mode!r}."
        )
    return mode


def internal_uri(file: File | FieldFile) -> str:
    """The X-Accel-Redirect URI: internal prefix + storage-relative name, percent-encoded; for
    object storage the object-store prefix + a short-lived signed URL's path and query."""
    if isinstance(file, FieldFile) and not has_local_paths(file.storage):
        signed = urlsplit(file.storage.url(storage_name(file)))
        prefix = conf.get("FILE_OBJECT_STORE_PREFIX").rstrip("/")
        query = f"?{signed.query}" if signed.query else ""
        return prefix + url_quote(signed.path, safe="/") + query
    prefix = conf.get("FILE_INTERNAL_PREFIX")
    if not prefix.endswith("/"):
        prefix += "/"
    return prefix + url_quote(storage_name(file))


def has_local_paths(storage) -> bool:
    """Whether the storage keeps files on this machine's disk (FileSystemStorage) or elsewhere."""
    try:
        storage.path("probe")
    except NotImplementedError:
        return False
    return True


def storage_name(file: File | FieldFile) -> str:
    """The name relative to the storage root: a FieldFile's name, or a plain file's path
    relative to ``MEDIA_ROOT``."""
    if isinstance(file, FieldFile):
        name = file.name or ""
    else:
        path = absolute_path(file)
        name = os.path.relpath(path, os.path.abspath(settings.MEDIA_ROOT))
    name = name.replace(os.sep, "/")
    if not name or name.startswith("/") or ".." in name.split("/"):
        raise SuspiciousFileOperation(f"Cannot deliver {name!r}: not inside the storage.")
    return name


def absolute_path(file: File | FieldFile) -> str:
    if isinstance(file, FieldFile):
        return os.path.abspath(file.path)  # NotImplementedError for storages without paths
    inner_name = getattr(file.file, "name", None) if file.file is not None else None
    path = inner_name if isinstance(inner_name, str) else file.name
    if not path:
        raise SuspiciousFileOperation("Cannot deliver a file without a path.")
    return os.path.abspath(path)


# --- Django delivery ---------------------------------------------------------------------------


def _serve_with_django(
    request: HttpRequest,
    file: File | FieldFile,
    content_type: str,
    filename: str | None,
    as_attachment: bool,
    cache_seconds: int,
) -> HttpResponseBase:
    _open(file)  # before any response exists, so that a missing file raises in the view
    try:
        size, mtime = _size_and_mtime(file)
    except Exception:
        file.close()
        raise
    etag = f'"{size:x}-{int(mtime * 1_000_000):x}"' if mtime is not None else None
    last_modified = int(mtime) if mtime is not None else None

    def finish(response: HttpResponseBase) -> HttpResponseBase:
        response["Accept-Ranges"] = "bytes"
        if etag:
            response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        return _add_headers(response, filename, as_attachment, cache_seconds)

    conditional = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if conditional is not None:  # 304 Not Modified or 412 Precondition Failed
        file.close()
        return finish(conditional)

    byte_range: tuple[int, int] | _Unsatisfiable | None = None
    if request.method == "GET" and _if_range_holds(request, etag, last_modified):
        byte_range = parse_range(request.headers.get("Range"), size)
    if isinstance(byte_range, _Unsatisfiable):
        file.close()
        response: HttpResponseBase = HttpResponse(status=416, content_type="text/plain")
        response["Content-Range"] = f"bytes */{size}"
        return finish(response)

    first, last = byte_range if byte_range is not None else (0, size - 1)
    length = last - first + 1
    if request.method == "HEAD":
        file.close()
        response = HttpResponse(content_type=content_type)
    else:
        response = StreamingHttpResponse(FileChunks(file, first, length), content_type=content_type)
    if byte_range is not None:
        response.status_code = 206
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Content-Length"] = str(length)
    return finish(response)


def parse_range(header: str | None, size: int) -> tuple[int, int] | _Unsatisfiable | None:
    """One byte range from a Range header as ``(first, last)`` (inclusive), ``UNSATISFIABLE``
    (→ 416), or None: no header, another unit, a header that is not a byte range at all, or
    several ranges, which are answered with the whole file (RFC 9110, section 14.2)."""
    if not header:
        return None
    unit, equals, ranges = header.partition("=")
    if not equals or unit.strip().lower() != "bytes":
        return None
    specs = [spec.strip() for spec in ranges.split(",") if spec.strip()]
    if len(specs) != 1:
        return None
    match = _RANGE_SPEC_RE.fullmatch(specs[0])
    if match is None or not (match[1] or match[2]):
        return None
    try:
        first = int(match[1]) if match[1] else None
        last = int(match[2]) if match[2] else None
    except ValueError:  # more digits than Python converts
        return None
    if first is None:  # suffix range: the last n bytes
        if not last or not size:
            return UNSATISFIABLE
        return max(size - last, 0), size - 1
    if first >= size or (last is not None and last < first):
        return UNSATISFIABLE
    return first, size - 1 if last is None else min(last, size - 1)


def _if_range_holds(request: HttpRequest, etag: str | None, last_modified: int | None) -> bool:
    """False if an If-Range validator does not match: then the whole file is sent."""
    value = request.headers.get("If-Range")
    if value is None:
        return True
    value = value.strip()
    if value.startswith(('"', "W/")):
        return etag is not None and value == etag  # strong comparison: weak tags never match
    date = parse_http_date_safe(value)
    return date is not None and date == last_modified


class FileChunks:
    """Iterates over ``length`` bytes of ``file`` from ``start``, closing the file after."""

    def __init__(
        self, file: File | IO[bytes], start: int, length: int, chunk_size: int = CHUNK_SIZE
    ) -> None:
        self.file = file
        self.start = start
        self.length = length
        self.chunk_size = chunk_size

    def __iter__(self) -> Iterator[bytes]:
        self.file.seek(self.start)
        remaining = self.length
        while remaining > 0:
            chunk = self.file.read(min(self.chunk_size, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk

    def close(self) -> None:  # StreamingHttpResponse calls this when the response is done
        self.file.close()


def _open(file: File | FieldFile) -> None:
    if isinstance(file, FieldFile) or file.closed:
        file.open("rb")


def _size_and_mtime(file: File | FieldFile) -> tuple[int, float | None]:
    try:
        stat = os.fstat(file.fileno())
    except (AttributeError, OSError, ValueError):
        pass
    else:
        return stat.st_size, stat.st_mtime
    mtime: float | None = None
    if isinstance(file, FieldFile):
        try:
            mtime = file.storage.get_modified_time(file.name).timestamp() if file.name else None
        except (NotImplementedError, OSError):
            mtime = None
    else:
        name = getattr(file.file, "name", None)
        if isinstance(name, str) and os.path.isfile(name):
            mtime = os.path.getmtime(name)
    return file.size, mtime


def _add_headers(
    response: HttpResponseBase, filename: str | None, as_attachment: bool, cache_seconds: int
) -> HttpResponseBase:
    response["Cache-Control"] = f"private, max-age={cache_seconds}"
    response["X-Content-Type-Options"] = "nosniff"
    if filename:
        filename = _UNSAFE_FILENAME_RE.sub("_", filename).strip() or None
    # Django answers None for no name (inline); its stubs want a str.
    disposition = content_disposition_header(as_attachment, filename)  # type: ignore[arg-type]
    if disposition:
        response["Content-Disposition"] = disposition
    return response
