"""What the multi-process topology must hold (issue 15): health through nginx, private video from
the object store with ranges and access checks, limits shared by every app server and worker, and
the faults of a real day (an app server dies, Redis restarts). Bounded in requests and time;
127.0.0.1 only."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

pytestmark = pytest.mark.topology

LEARNER = "lernende@musterverband.example"  # enrolled in the demo courses
OUTSIDER = "mentee@musterverband.example"  # not enrolled in any course


def wait_until(condition, seconds: float = 30.0, step: float = 0.3) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def healthz(topology) -> tuple[int, dict]:
    answer = requests.get(f"{topology.url}/healthz/", timeout=60)
    return answer.status_code, answer.json()


def test_health_through_nginx_names_every_part(topology):
    status, body = healthz(topology)
    assert status == 200, body
    assert body["checks"] == {
        "database": "ok",
        "cache": "ok",
        "queue": "ok",
        "storage": "ok",
        "migrations": "ok",
        "outbox": "ok",
    }


def private_video(topology) -> tuple[int, str]:
    """The first learning video of the demo and its object name in the private bucket."""
    listing = topology.s3().list_objects_v2(
        Bucket=topology.env["S3_PRIVATE_BUCKET"], Prefix="videos/"
    )
    names = [item["Key"] for item in listing.get("Contents", []) if item["Key"].endswith(".mp4")]
    assert names, "the demo stores its videos in the private bucket"
    return 1, names[0]


def test_enrolled_learner_streams_a_restricted_video_with_ranges_from_the_object_store(topology):
    video_id, key = private_video(topology)
    stored = (
        topology.s3().get_object(Bucket=topology.env["S3_PRIVATE_BUCKET"], Key=key)["Body"].read()
    )
    learner = topology.login(LEARNER)
    url = f"{topology.url}/courses/videos/{video_id}/file/"

    first = learner.get(url, headers={"Range": "bytes=0-1023"}, timeout=60)
    middle = learner.get(url, headers={"Range": f"bytes={len(stored) // 2}-"}, timeout=60)

    assert first.status_code == 206
    assert first.headers["Content-Range"] == f"bytes 0-1023/{len(stored)}"
    assert first.content == stored[:1024]
    assert middle.status_code == 206
    assert middle.content == stored[len(stored) // 2 :]
    assert first.headers["Content-Type"] == "video/mp4"
    assert first.headers["Cache-Control"].startswith("private")
    headers = " ".join(f"{name}: {value}" for name, value in first.headers.items()).lower()
    assert "x-accel-redirect" not in headers, headers
    assert "amz" not in headers, headers
    assert str(topology.ports["s3"]) not in headers, headers


def test_outsiders_get_no_video_and_nobody_can_call_the_internal_location(topology):
    video_id, key = private_video(topology)
    url = f"{topology.url}/courses/videos/{video_id}/file/"
    assert requests.get(url, timeout=60).status_code in {403, 404}
    assert topology.login(OUTSIDER).get(url, timeout=60).status_code in {403, 404}
    internal = f"{topology.url}/protected-object-store/{topology.env['S3_PRIVATE_BUCKET']}/{key}"
    assert requests.get(internal, timeout=60).status_code == 404
    # The bucket itself answers nobody without a signature.
    direct = requests.get(
        f"{topology.env['S3_ENDPOINT_URL']}/{topology.env['S3_PRIVATE_BUCKET']}/{key}", timeout=60
    )
    assert direct.status_code in {401, 403}


def test_no_page_hands_the_browser_an_object_store_address(topology):
    learner = topology.login(LEARNER)
    pages = [f"{topology.url}/", f"{topology.url}/courses/mine/", f"{topology.url}/me/"]
    course_links = re.findall(r'href="(/[^"]*kurse/[^"]+)"', learner.get(pages[1], timeout=60).text)
    pages += [f"{topology.url}{link}" for link in course_links[:3]]
    s3_address = topology.env["S3_ENDPOINT_URL"].split("//")[1]
    for page in pages:
        html = learner.get(page, timeout=60).text
        assert s3_address not in html, page
        assert "X-Amz-" not in html, page


def test_the_anonymous_api_limit_holds_across_both_app_servers_and_all_workers(topology):
    """120 requests a minute per client address (API_RATE_ANON): nginx spreads the requests over
    two app servers with two workers each; together they allow the limit once, not four times.
    A client's own X-Forwarded-For does not make it someone else."""
    url = f"{topology.url}/api/v1/courses/"
    forget_counters(topology, "*throttle_anon*")

    def call(number: int) -> int:
        return requests.get(
            url, headers={"X-Forwarded-For": f"198.51.100.{number % 250}"}, timeout=60
        ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(call, range(160)))
    assert 500 not in statuses
    assert statuses.count(200) == 120, statuses
    assert statuses.count(429) == 40


def forget_counters(topology, pattern: str) -> None:
    """A fresh window for this test (earlier tests of the run used the same client address)."""
    port = str(topology.ports["redis"])
    keys = subprocess.run(
        ["redis-cli", "-p", port, "--scan", "--pattern", pattern],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if keys:
        subprocess.run(["redis-cli", "-p", port, "del", *keys], capture_output=True, check=True)


def test_one_app_server_killed_nginx_answers_from_the_other(topology):
    """SIGKILL to one gunicorn (master and workers) during a burst: every request still gets an
    answer from the other app server; then the server is started again."""
    pid = topology.pid("app1")
    url = f"{topology.url}/healthz/"
    with ThreadPoolExecutor(max_workers=4) as pool:
        before = list(pool.map(lambda _n: requests.get(url, timeout=60).status_code, range(8)))
        os.killpg(pid, signal.SIGKILL)
        after = list(pool.map(lambda _n: requests.get(url, timeout=60).status_code, range(40)))
    assert before == [200] * 8
    assert after == [200] * 40
    restart(topology, "app1")


def restart(topology, name: str) -> None:
    from tests.topology.conftest import load_ops

    ops = load_ops()
    ops.STATE = topology.state
    environment = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME"}}
    argv = ops.app_server_argv(topology.ports, name)
    ops.start(name, argv, {**environment, **topology.env})
    ops.wait_for_port(topology.ports[name], name)


def test_redis_restart_degrades_limits_but_never_fails_a_page(topology):
    learner = topology.login(LEARNER)
    os.killpg(topology.pid("redis"), signal.SIGKILL)
    try:
        statuses = [
            requests.get(f"{topology.url}/api/v1/courses/", timeout=60).status_code,
            requests.get(f"{topology.url}/", timeout=60).status_code,
            learner.get(f"{topology.url}/courses/mine/", timeout=60).status_code,
            learner.get(f"{topology.url}/me/", timeout=60).status_code,
        ]
        status, body = healthz(topology)
        assert statuses == [200, 200, 200, 200]
        assert status == 503 and body["checks"]["cache"] == "error"
    finally:
        from tests.topology.conftest import load_ops

        ops = load_ops()
        ops.STATE = topology.state
        environment = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME"}}
        ops.start("redis", ops.redis_argv(topology.ports), {**environment, **topology.env})
        ops.wait_for_port(topology.ports["redis"], "redis")
    assert wait_until(lambda: healthz(topology)[0] == 200, seconds=30)
    assert learner.get(f"{topology.url}/me/", timeout=60).status_code == 200


def test_the_topology_listens_on_loopback_only(topology):
    listening = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True, check=False).stdout
    for port in topology.ports.values():
        lines = [line for line in listening.splitlines() if f":{port} " in line]
        for line in lines:
            local = line.split()[3]
            assert local.startswith(("127.0.0.1:", "[::1]:")), line
