"""The table of `make bench-load`: rows with their target and "met" or "missed", then one line
``targets: N met, M missed`` (the format of `make bench`, bench/__main__.py)."""

from __future__ import annotations

from dataclasses import dataclass

# Issue 18's targets: a page's throughput against the trivial view on the same stack and
# middleware (the stack's limit), the 50-user mix's p95, no errors anywhere.
ANONYMOUS_RATIO = 0.5
SIGNED_IN_RATIO = 0.3
MIX_P95_MS = 200.0


@dataclass
class Measured:
    """One page under load: what locust counted after the warm-up."""

    name: str
    who: str  # "anonymous", or the person whose session was sent ("learner", "mentee")
    users: int
    seconds: float
    requests: int
    failures: int
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    queries: float | None = None  # median of X-Tandem-Queries; None without the instruments
    note: str = ""
    #: A write, not a page (the booking POST): its ratio is shown, the pages' ratio is no target
    write: bool = False

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def signed_in(self) -> bool:
        return self.who != "anonymous"


@dataclass
class Row:
    name: str
    who: str = ""
    users: str = ""
    rps: str = "-"
    p50: str = "-"
    p95: str = "-"
    p99: str = "-"
    errors: str = "-"
    queries: str = "-"
    ratio: str = "-"
    target: str = "-"
    met: bool | None = None  # None: no target of its own
    note: str = ""


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} ms"


def _errors(measured: Measured) -> str:
    return f"{measured.failures}/{measured.requests}"


def _queries(measured: Measured) -> str:
    return "-" if measured.queries is None else f"{measured.queries:g}"


def base_row(measured: Measured) -> Row:
    return Row(
        name=measured.name,
        who=measured.who,
        users=str(measured.users),
        rps=f"{measured.rps:.1f}",
        p50=_ms(measured.p50),
        p95=_ms(measured.p95),
        p99=_ms(measured.p99),
        errors=_errors(measured),
        queries=_queries(measured),
        note=measured.note,
    )


def throughput_rows(
    pages: list[Measured], *, trivial_anonymous: Measured | None, trivial_signed_in: Measured | None
) -> list[Row]:
    """The trivial view's rows first (target: no errors), then each page with its throughput as
    a ratio to the trivial view's with the same kind of visitor (anonymous or signed in)."""
    rows = []
    for trivial in (trivial_anonymous, trivial_signed_in):
        if trivial is not None:
            row = base_row(trivial)
            row.ratio, row.target, row.met = "1.00", "0 errors", trivial.failures == 0
            rows.append(row)
    for page in pages:
        row = base_row(page)
        trivial, least = (
            (trivial_signed_in, SIGNED_IN_RATIO)
            if page.signed_in
            else (trivial_anonymous, ANONYMOUS_RATIO)
        )
        kind = "signed in" if page.signed_in else "anonymous"
        row.target = f"≥ {least:g} × trivial ({kind}), 0 errors"
        if page.write:
            row.target, row.met = "0 errors (a write, not a page)", page.failures == 0
            if trivial is not None and trivial.rps:
                row.ratio = f"{page.rps / trivial.rps:.2f}"
        elif trivial is None or trivial.rps == 0:
            row.target, row.met = "0 errors", page.failures == 0
            row.note = (row.note + "; " if row.note else "") + "no trivial view (TANDEM_BENCH off)"
        else:
            ratio = page.rps / trivial.rps
            row.ratio = f"{ratio:.2f}"
            row.met = ratio >= least and page.failures == 0
        rows.append(row)
    return rows


def mix_rows(pages: list[Measured]) -> list[Row]:
    """The concurrent mix: each page's p95 against MIX_P95_MS, and no errors."""
    rows = []
    for page in pages:
        row = base_row(page)
        row.target = f"p95 < {MIX_P95_MS:g} ms, 0 errors"
        row.met = page.p95 is not None and page.p95 < MIX_P95_MS and page.failures == 0
        rows.append(row)
    return rows


@dataclass
class Delivery:
    """A file fetched with range requests: whole-file throughput and time to first byte."""

    name: str
    mib_per_s: float
    ttfb_p50: float
    ttfb_p95: float
    seeks: int
    failures: int  # answers other than 206 with exactly the bytes asked for


def video_rows(protected: Delivery, static: Delivery) -> list[Row]:
    """The access-checked video (Django, then nginx from the object store) and the same file as
    nginx's static file, with the protected one's throughput and first-byte time as ratios."""
    rows = []
    for delivery in (static, protected):
        row = Row(
            name=delivery.name,
            who="learner" if delivery is protected else "anonymous",
            users="1",
            rps=f"{delivery.mib_per_s:.0f} MiB/s",
            p50=_ms(delivery.ttfb_p50),
            p95=_ms(delivery.ttfb_p95),
            errors=f"{delivery.failures}/{delivery.seeks}",
            target="206, every byte",
            met=delivery.failures == 0,
            note="req/s: whole file in MiB/s; p50/p95: first byte of a 1 MiB range",
        )
        if delivery is protected and static.mib_per_s > 0 and protected.ttfb_p50 > 0:
            row.ratio = f"{protected.mib_per_s / static.mib_per_s:.2f}"
            row.note = (
                f"throughput {row.ratio} × static; first byte "
                f"{protected.ttfb_p50 / max(static.ttfb_p50, 0.001):.1f} × static's"
            )
        elif delivery is static:
            row.ratio = "1.00"
        rows.append(row)
    return rows


HEADERS = [
    "load",
    "as",
    "users",
    "req/s",
    "p50",
    "p95",
    "p99",
    "errors",
    "queries",
    "ratio",
    "target",
    "",
    "note",
]
FIELDS = ["name", "who", "users", "rps", "p50", "p95", "p99", "errors", "queries", "ratio"]


def render(sections: list[tuple[str, list[Row]]]) -> tuple[str, int, int]:
    """The table, one block per section, and the summary line; returns (text, met, missed)."""
    table = [HEADERS]
    for title, rows in sections:
        table.append([f"[{title}]"] + [""] * (len(HEADERS) - 1))
        for row in rows:
            table.append(
                [
                    *(str(getattr(row, field)) for field in FIELDS),
                    row.target,
                    "-" if row.met is None else ("met" if row.met else "missed"),
                    row.note,
                ]
            )
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    lines = []
    for index, line in enumerate(table):
        lines.append(" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if index == 0:
            lines.append("-+-".join("-" * width for width in widths))
    every = [row for _title, rows in sections for row in rows]
    met = sum(1 for row in every if row.met is True)
    missed = sum(1 for row in every if row.met is False)
    lines.append(f"targets: {met} met, {missed} missed")
    return "\n".join(lines), met, missed
