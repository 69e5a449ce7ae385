"""`make bench-load` (python -m bench.load): see bench/load/__init__.py and docs/performance.md.

Settings (environment variables): TOPOLOGY_DIR (use the topology running there, started with
TANDEM_BENCH=true, and leave it running; default: start one in .topology-bench and stop it after),
BENCH_LOAD_USERS (users per page, default 8), BENCH_LOAD_SECONDS (per page, default 15),
BENCH_LOAD_WARMUP (seconds not counted, default 3), BENCH_LOAD_MIX_USERS (default 50),
BENCH_LOAD_MIX_SECONDS (default 60), BENCH_LOAD_VIDEO_MB (default 200), BENCH_LOAD_SETTLE (the
longest wait for a quiet machine before measuring, default 120 s)."""

# locust first: it patches the standard library for gevent before anything opens a socket.
import locust  # noqa: F401, I001

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from bench.load import drive, report, video
from bench.load.machine import settle

ROOT = Path(__file__).resolve().parents[2]
OPS = [sys.executable, str(ROOT / "ops" / "topology.py")]
# What the bench's own topology is started with: its instruments on, and the per-person rates
# lifted (one session per person sends every request of the load: far above any real person).
BENCH_ENVIRONMENT = {
    "TANDEM_BENCH": "true",
    "API_RATE_ANON": "1000000/minute",
    "API_RATE_USER": "1000000/minute",
    "RATE_BOOKING": "1000000/hour",
}


def number(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


class Topology:
    def __init__(self) -> None:
        given = os.environ.get("TOPOLOGY_DIR")
        self.state = Path(given) if given else ROOT / ".topology-bench"
        self.started = not given
        self.ops_env = {
            **{
                k: v
                for k, v in os.environ.items()
                if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
            },
            "TOPOLOGY_DIR": str(self.state),
            "TOPOLOGY_DATABASE": "tandem_topology_bench",
            **BENCH_ENVIRONMENT,
        }

    def up(self) -> None:
        if self.started:
            subprocess.run([*OPS, "down"], env=self.ops_env, check=False, timeout=120)
            subprocess.run([*OPS, "up"], env=self.ops_env, check=True, timeout=900)
        self.env = json.loads((self.state / "env.json").read_text())

    def down(self) -> None:
        if self.started:
            subprocess.run([*OPS, "down"], env=self.ops_env, check=False, timeout=120)

    def site(self, *args: str) -> str:
        """Run bench.load.site inside the topology's Django; its standard output."""
        base = {
            k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL", "TZ"}
        }
        return subprocess.run(
            [sys.executable, "-m", "bench.load.site", *args],
            cwd=ROOT,
            env={**base, **self.env},
            capture_output=True,
            text=True,
            check=True,
        ).stdout


def trivial_view_on(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_bench/trivial/", timeout=30) as response:  # noqa: S310 - loopback
            return response.status == 200
    except urllib.error.HTTPError:
        return False


def main() -> int:
    users = int(number("BENCH_LOAD_USERS", 8))
    seconds = number("BENCH_LOAD_SECONDS", 15)
    warmup = number("BENCH_LOAD_WARMUP", 3)
    mix_users = int(number("BENCH_LOAD_MIX_USERS", 50))
    mix_seconds = number("BENCH_LOAD_MIX_SECONDS", 60)
    megabytes = int(number("BENCH_LOAD_VIDEO_MB", 200))
    load_before = uptime()
    topology = Topology()
    prepared = None
    static_copy = None
    try:
        topology.up()
        url = topology.env["SITE_URL"]
        local = topology.state / "bench-video.mp4"
        video.make_file(local, megabytes)
        try:
            prepared = json.loads(topology.site("prepare", str(local)))
        except subprocess.CalledProcessError as error:
            print(error.stderr[-3000:], file=sys.stderr)
            raise
        static_copy = Path(topology.env["STATIC_ROOT"]) / "bench" / "video.mp4"
        static_copy.parent.mkdir(exist_ok=True)
        shutil.copyfile(local, static_copy)
        site = drive.Site(url=url, prepared=prepared)
        settled = settle(number("BENCH_LOAD_SETTLE", 120))
        print(f"load: machine {settled}", flush=True)
        instruments = trivial_view_on(url)
        if not instruments:
            print("TANDEM_BENCH is off on this topology: no trivial view, no query counts.")

        by_name = drive.pages(prepared)
        measured: dict[str, report.Measured] = {}
        order = [name for name in by_name if not name.startswith("video")]
        if not instruments:
            order = [name for name in order if not name.startswith("trivial")]
        for name in [*order, drive.BOOKING]:
            page = by_name.get(name)
            count = users if page is not None else min(users, len(prepared["slots"]))
            print(f"load: {name}, {count} users, {seconds:g} s", flush=True)
            results, _elapsed = drive.run(
                site,
                [drive.one_page_user(site, page)],
                users=count,
                seconds=seconds,
                warmup=warmup,
            )
            if name in results:
                measured[name] = results[name]
        topology.site("release", json.dumps(prepared))  # the slots free again for the mix
        if drive.BOOKING in measured:
            measured[drive.BOOKING].write = True
            measured[
                drive.BOOKING
            ].note = "each user books a free slot with the same mentor and cancels it: both POSTs"

        print(
            f"load: mix of {mix_users} users (browse, learn, book), {mix_seconds:g} s", flush=True
        )
        mix, _elapsed = drive.run(
            site, drive.mix_users(site), users=mix_users, seconds=mix_seconds, warmup=warmup
        )

        print(f"load: video delivery, {megabytes} MB", flush=True)
        learner = site.cookie("learner")
        protected = video.measure(
            "video (access-checked, X-Accel from S3)",
            url,
            prepared["video"],
            learner,
            local=local,
            streams=3,
            seeks=20,
        )
        static = video.measure(
            "video (nginx static file)",
            url,
            "/static/bench/video.mp4",
            {},
            local=local,
            streams=3,
            seeks=20,
        )

        trivial_anonymous = measured.pop("trivial view (anonymous)", None)
        trivial_signed_in = measured.pop("trivial view (learner)", None)
        sections = [
            (
                f"throughput: {users} users per page, {seconds:g} s each",
                report.throughput_rows(
                    list(measured.values()),
                    trivial_anonymous=trivial_anonymous,
                    trivial_signed_in=trivial_signed_in,
                ),
            ),
            (
                f"mix: {mix_users} users, {mix_seconds:g} s",
                report.mix_rows([mix[name] for name in [*by_name, drive.BOOKING] if name in mix]),
            ),
            (f"video: {megabytes} MB, range requests", report.video_rows(protected, static)),
        ]
        text, _met, _missed = report.render(sections)
        print(f"\nload before: {load_before}\nsettled:     {settled}\nload after:  {uptime()}\n")
        print(text)
        return 0
    finally:
        if prepared is not None and not topology.started:
            topology.site("restore", json.dumps(prepared))
        if static_copy is not None:
            static_copy.unlink(missing_ok=True)
        topology.down()


if __name__ == "__main__":
    sys.exit(main())
