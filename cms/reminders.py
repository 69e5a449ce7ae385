"""Periodic sweeps (reminders, attendance after a meeting) that apps contribute without knowing
each other: an app registers a function with the ``register_reminder_sweep`` Wagtail hook; it takes
no arguments and returns how many e-mails it sent. ``manage.py send_reminders`` runs them all."""

from __future__ import annotations

from collections.abc import Callable

from wagtail import hooks


def sweeps() -> list[Callable[[], int]]:
    return list(hooks.get_hooks("register_reminder_sweep"))


def run_sweeps() -> int:
    return sum(int(sweep() or 0) for sweep in sweeps())
