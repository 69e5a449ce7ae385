"""Video delivery: the same file once as an access-checked learning video (Django checks the
enrolment, nginx streams it from the object store: X-Accel-Redirect) and once as nginx's own
static file, both with range requests as a player makes them."""

from __future__ import annotations

import http.client
import random
import statistics
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.load.report import Delivery

CHUNK = 1024 * 1024


def make_file(path: Path, megabytes: int) -> None:
    """Random bytes (incompressible, like video); the same file goes to both places."""
    generator = random.Random(18)  # noqa: S311 - test data
    with open(path, "wb") as out:
        for _ in range(megabytes):
            out.write(generator.randbytes(CHUNK))


def _get(url: str, path: str, headers: dict[str, str]) -> tuple[int, float, bytes, float]:
    """Status, seconds to the first byte of the body, the body, seconds for all of it."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        first = response.read(1)
        first_byte = time.perf_counter() - started
        chunks = [first]
        while chunk := response.read(CHUNK):
            chunks.append(chunk)
        return response.status, first_byte, b"".join(chunks), time.perf_counter() - started
    finally:
        connection.close()


def measure(
    name: str,
    url: str,
    path: str,
    headers: dict[str, str],
    *,
    local: Path,
    streams: int,
    seeks: int,
) -> Delivery:
    size = local.stat().st_size
    failures = 0
    rates = []
    for _ in range(streams):  # the whole file, as a player asks for it first: bytes=0-
        status, _first, body, seconds = _get(url, path, {**headers, "Range": "bytes=0-"})
        if status != 206 or len(body) != size:
            failures += 1
        rates.append(len(body) / CHUNK / seconds)
    firsts = []
    generator = random.Random(18)  # noqa: S311 - the same seek positions for both
    with open(local, "rb") as original:
        for _ in range(seeks):  # jumps in the video: 1 MiB from a random place
            start = generator.randrange(0, size - CHUNK)
            status, first, body, _seconds = _get(
                url, path, {**headers, "Range": f"bytes={start}-{start + CHUNK - 1}"}
            )
            original.seek(start)
            if status != 206 or body != original.read(CHUNK):
                failures += 1
            firsts.append(first * 1000)
    firsts.sort()
    return Delivery(
        name=name,
        mib_per_s=statistics.median(rates),
        ttfb_p50=statistics.median(firsts),
        ttfb_p95=firsts[max(0, int(len(firsts) * 0.95) - 1)],
        seeks=streams + seeks,
        failures=failures,
    )
