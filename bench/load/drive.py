"""Locust as a library (no web UI, no files, loopback only): every phase has a fixed number of
users and a fixed time, then stops by itself. Import locust before anything else opens a socket
(it patches the standard library for gevent); ``python -m bench.load`` does."""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import gevent
from locust import FastHttpUser, between, constant
from locust.env import Environment

from bench.load.report import Measured

CSRF = "benchload" * 3 + "abcde"  # 32 letters: a CSRF secret the client chose, as Django allows
QUERIES_HEADER = "X-Tandem-Queries"


@dataclass
class Site:
    """The prepared topology: addresses, sessions and the free slots (bench.load.site)."""

    url: str
    prepared: dict
    queries: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    free_slots: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.free_slots = list(self.prepared["slots"])

    def cookie(self, who: str) -> dict[str, str]:
        if who == "anonymous":
            return {}
        session = self.prepared[f"{who}_session"]
        return {"Cookie": f"sessionid={session}; csrftoken={CSRF}"}


@dataclass(frozen=True)
class Page:
    name: str
    who: str
    path: str
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()


def pages(prepared: dict) -> dict[str, Page]:
    """Every page the load visits, by name; the booking POST is a task of its own (book_and_cancel)."""
    listing = [
        Page("trivial view", "anonymous", "/_bench/trivial/"),
        Page("trivial view", "learner", "/_bench/trivial/"),
        Page("home page", "anonymous", "/"),
        Page("catalogue", "anonymous", prepared["catalogue"]),
        Page("course page", "anonymous", prepared["course"]),
        Page("lesson page", "learner", prepared["lesson"]),
        Page("booking page", "mentee", prepared["booking"]),
        Page("slots API", "mentee", prepared["slots_api"]),
        Page(
            "video, first 1 MiB",
            "learner",
            prepared["video"],
            status=206,
            headers=(("Range", "bytes=0-1048575"),),
        ),
    ]
    return {f"{page.name} ({page.who})": page for page in listing}


def visit(user: FastHttpUser, site: Site, page: Page) -> None:
    headers = {**site.cookie(page.who), **dict(page.headers)}
    label = f"{page.name} ({page.who})"
    with user.client.get(
        page.path, name=label, headers=headers, allow_redirects=False, catch_response=True
    ) as response:
        if response.status_code != page.status:
            response.failure(f"HTTP {response.status_code}")
            return
        count = response.headers.get(QUERIES_HEADER)
        if count is not None:
            site.queries[label].append(int(count))


BOOKING = "booking POST (mentee)"


class BenchUser(FastHttpUser):
    abstract = True
    site: Site
    slot: str | None = None

    def on_start(self) -> None:
        self.client.client.cookiejar = None  # exactly the cookies of the person it acts as
        self.slot = self.site.free_slots.pop() if self.site.free_slots else None

    def on_stop(self) -> None:
        if self.slot is not None:
            self.site.free_slots.append(self.slot)
            self.slot = None

    def book_and_cancel(self) -> None:
        """The mentee books a free slot of her own week through the API and cancels it again,
        so that the slot is free for the next round; both POSTs count as booking POSTs."""
        if self.slot is None:
            return
        site = self.site
        headers = {
            **site.cookie("mentee"),
            "X-CSRFToken": CSRF,
            "Content-Type": "application/json",
        }
        body = {
            "tandem": site.prepared["tandem"],
            "start": self.slot,
            "length": site.prepared["length"],
        }
        with self.client.post(
            "/api/v1/sessions/",
            name=BOOKING,
            data=json.dumps(body),
            headers=headers,
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"HTTP {response.status_code}: {response.text[:120]}")
                return
            self._count(response)
            session = response.json()["id"]
        with self.client.post(
            f"/api/v1/sessions/{session}/cancel/",
            name=BOOKING,
            data=json.dumps({"reason": "Lasttest"}),
            headers=headers,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}: {response.text[:120]}")
                return
            self._count(response)

    def _count(self, response) -> None:
        count = response.headers.get(QUERIES_HEADER)
        if count is not None:
            self.site.queries[BOOKING].append(int(count))


def one_page_user(site: Site, page: Page | None) -> type[BenchUser]:
    """Users that ask for one page (or, without one, book) as fast as the answers come."""

    def hit(user: BenchUser) -> None:
        if page is None:
            user.book_and_cancel()
        else:
            visit(user, site, page)

    return type("OnePage", (BenchUser,), {"site": site, "wait_time": constant(0), "tasks": [hit]})


def mix_users(site: Site) -> list[type[BenchUser]]:
    """Browse (visitors), learn (the enrolled learner) and book (the mentee), with the pauses of
    people reading: 5 : 3 : 2 users."""
    by_name = pages(site.prepared)

    def go(label: str) -> Callable[[BenchUser], None]:
        return lambda user: visit(user, site, by_name[label])

    browse = {
        go("home page (anonymous)"): 3,
        go("catalogue (anonymous)"): 2,
        go("course page (anonymous)"): 2,
    }
    learn = {
        go("lesson page (learner)"): 3,
        go("video, first 1 MiB (learner)"): 1,
        go("course page (anonymous)"): 1,
    }
    book = {
        go("booking page (mentee)"): 2,
        go("slots API (mentee)"): 2,
        BenchUser.book_and_cancel: 1,
    }
    pause = between(1, 3)
    return [
        type(
            name, (BenchUser,), {"site": site, "wait_time": pause, "tasks": tasks, "weight": weight}
        )
        for name, tasks, weight in (("Browse", browse, 5), ("Learn", learn, 3), ("Book", book, 2))
    ]


def run(
    site: Site, user_classes: list[type[BenchUser]], *, users: int, seconds: float, warmup: float
) -> tuple[dict[str, Measured], float]:
    """Run the users for warmup + seconds; what was counted after the warm-up, per page."""
    environment = Environment(user_classes=user_classes, host=site.url)
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=min(users, 50))
    gevent.sleep(warmup)
    environment.stats.reset_all()
    site.queries.clear()
    started = time.monotonic()
    gevent.sleep(seconds)
    elapsed = time.monotonic() - started
    results = {}
    for (name, _method), entry in list(environment.stats.entries.items()):
        if entry.num_requests == 0:
            continue
        who = name.rsplit("(", 1)[1].rstrip(")")
        counts = site.queries.get(name) or []
        results[name] = Measured(
            name=name.rsplit(" (", 1)[0],
            who=who,
            users=users,
            seconds=elapsed,
            requests=entry.num_requests,
            failures=entry.num_failures,
            p50=entry.get_response_time_percentile(0.5),
            p95=entry.get_response_time_percentile(0.95),
            p99=entry.get_response_time_percentile(0.99),
            queries=statistics.median(counts) if counts else None,
        )
    errors = [
        f"{error.name}: {error.error} ×{error.occurrences}"
        for error in environment.stats.errors.values()
    ]
    runner.quit()
    for line in errors[:5]:
        print(f"  error: {line}", flush=True)
    return results, elapsed
