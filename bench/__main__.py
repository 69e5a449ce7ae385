"""`make bench`: run every benchmark and print one table.

Benchmarks measure; they never fail a build. Each module in bench/ exposes
``run() -> list[Row]``; the runner sets up a throwaway database first."""

import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

BENCHMARKS = ["bench.pages", "bench.matching", "bench.matching_service", "bench.slots"]


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    workdir = Path(tempfile.mkdtemp(prefix="tandem-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(
        f"database ready in {time.perf_counter() - started:.1f} s ({os.environ['DATABASE_URL'].split(':')[0]})"
    )

    rows = []
    for name in BENCHMARKS:
        rows.extend(importlib.import_module(name).run())
    print_table(rows)
    return 0


def print_table(rows) -> None:
    """The table, each row with its target and "met"/"missed", then one summary line."""
    headers = ["benchmark", "size", "p50", "p95", "max", "queries", "peak memory", "target", ""]
    headers.append("note")
    table = [headers] + [
        [
            *(
                str(getattr(row, field))
                for field in ("name", "size", "p50", "p95", "max", "queries", "memory", "target")
            ),
            "-" if row.met is None else ("met" if row.met else "missed"),
            row.note,
        ]
        for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(headers))]
    for index, line in enumerate(table):
        print(" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)))
        if index == 0:
            print("-+-".join("-" * width for width in widths))
    met = sum(1 for row in rows if row.met is True)
    missed = sum(1 for row in rows if row.met is False)
    print(f"targets: {met} met, {missed} missed")


if __name__ == "__main__":
    sys.exit(main())
