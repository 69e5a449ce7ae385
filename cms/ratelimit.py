"""A small rate limit for pages (the API has DRF's throttles), shared by the plugins:

    @login_required
    @rate_limit("booking")          # counts POST requests only, unless methods= says otherwise
    def book(request, ...): ...

The rate comes from ``settings.TANDEM_RATE_LIMITS`` (e.g. ``{"booking": "30/hour"}``; "s", "m",
"h" or "d" for the period), read at request time; a scope without a rate is not limited. Requests are
counted per signed-in person, else per client address, in a window that opens with the first request,
with an atomic counter in the default cache (use a shared cache such as Redis when several processes
serve the site). Over the limit the page answers
429 with a Retry-After header and the site's "429.html"."""

from __future__ import annotations

import ipaddress
import time
from functools import wraps

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import conf

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "30/hour" -> (30, 3600)."""
    number, _slash, period = rate.partition("/")
    return int(number), PERIODS[period.strip()[0].lower()]


def proxy_networks(
    entries=None,
) -> tuple[list[ipaddress.IPv4Network | ipaddress.IPv6Network], list[str]]:
    """The declared reverse proxies (TANDEM_TRUSTED_PROXIES) as networks, and the entries that are
    no address or network (the system check cms.E003 names them)."""
    networks, invalid = [], []
    for entry in conf.get("TRUSTED_PROXIES") if entries is None else entries:
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            invalid.append(str(entry))
    return networks, invalid


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or, on a connection from a declared reverse proxy
    (TANDEM_TRUSTED_PROXIES) with TANDEM_TRUSTED_PROXY_COUNT proxies in front of the site, the
    address the outermost of them saw (counted from the right of X-Forwarded-For). Without a
    declared proxy the header is ignored: a client cannot choose the address its limits count under.
    None when there is no valid address (PostgreSQL's inet columns refuse anything else)."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    proxies = int(conf.get("TRUSTED_PROXY_COUNT") or 0)
    if remote is None or proxies <= 0:
        return str(remote) if remote is not None else None
    networks, _invalid = proxy_networks()
    if not any(remote in network for network in networks):
        return str(remote)
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return str(remote)
    address = _address(forwarded[-proxies])
    return str(address) if address is not None else None


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def _identity(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request) or 'unknown'}"


def hit(request: HttpRequest, scope: str) -> int:
    """Counts one request for ``scope``; returns 0 when it is allowed, else the seconds to wait."""
    rate = conf.get("RATE_LIMITS").get(scope)
    if not rate:
        return 0
    limit, period = parse_rate(rate)
    return count(f"tandem:ratelimit:{scope}:{_identity(request)}", limit=limit, period=period)


def count(key: str, *, limit: int, period: int) -> int:
    """One more request in the window that the first request for ``key`` opened: 0 when it is
    within ``limit``, else the seconds until the window ends. The counter is the cache's atomic
    ``incr``, so concurrent requests on any number of processes sharing the cache (Redis) are
    each counted once; nothing is lost to a read-modify-write race."""
    now = time.time()
    try:
        hits = cache.incr(key)  # an open window: nothing else to do
    except ValueError:  # no window yet (or it just ended): open one
        cache.add(f"{key}:start", now, period)
        cache.add(key, 0, period)
        try:
            hits = cache.incr(key)
        except ValueError:  # the window expired between add and incr, or no cache
            cache.set(f"{key}:start", now, period)
            cache.set(key, 1, period)
            hits = 1
    if hits <= limit:
        return 0
    started = cache.get(f"{key}:start") or now
    return max(1, int(period - (now - started)))


def too_many_requests(request: HttpRequest, wait: int) -> HttpResponse:
    response = render(
        request, "429.html", {"retry_after_minutes": max(1, -(-wait // 60))}, status=429
    )
    response["Retry-After"] = str(wait)
    return response


def rate_limit(scope: str, *, methods: tuple[str, ...] = ("POST",)):
    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if request.method in methods:
                wait = hit(request, scope)
                if wait:
                    return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
