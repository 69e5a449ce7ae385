"""ScoringCriterion kinds a Wagtail site adds through the hook ``register_tandem_matching_criteria``.

This module is the Django side of the registry in :mod:`mentoring.matching.criteria`; importing
:mod:`mentoring.matching` does not import it, so the engine stays free of Django. Each function
registered for the hook returns an iterable of kinds, each either

* a dict of :func:`~mentoring.matching.register_criterion_kind`'s arguments, e.g.
  ``{"name": "district", "score": same_district, "explain": explain, "label": _("same district"),
  "reasons": {"same_district": _("Same district: %(district)s")}}``, or
* a tuple ``(name, score)`` or ``(name, score, {keyword arguments})``.

The hook is read when the registry is first used from the Django side (the programme form's
choices, a matching run, an explanation) and read again only if the set of hook functions
changes, e.g. under ``wagtail.hooks.register_temporarily`` in tests. Kinds a site registers
directly with ``register_criterion_kind`` (e.g. in its ``AppConfig.ready()``) need no hook.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping

from .criteria import (
    CRITERION_KINDS,
    CriterionKind,
    register_criterion_kind,
    unregister_criterion_kind,
)

__all__ = ["HOOK_NAME", "available_kinds", "load_hooked_kinds"]

HOOK_NAME = "register_tandem_matching_criteria"

_lock = threading.Lock()
_loaded_from: tuple[Callable, ...] = ()
_registered: dict[str, CriterionKind | None] = {}
"""Names registered from the hook -> the kind each replaced (``replace=True``), to put back."""


def load_hooked_kinds() -> None:
    """Register the kinds the hook functions return (once per set of hook functions)."""
    global _loaded_from
    from wagtail import hooks

    functions = tuple(hooks.get_hooks(HOOK_NAME))
    if functions == _loaded_from:
        return
    with _lock:
        if functions == _loaded_from:
            return
        _unload()
        _loaded_from = ()
        try:
            for function in functions:
                for entry in function() or ():
                    name, score, options = _arguments(entry, function)
                    previous = CRITERION_KINDS.get(name) if options.get("replace") else None
                    register_criterion_kind(name, score, **options)
                    _registered[name] = previous
        except Exception:
            _unload()
            raise
        _loaded_from = functions


def available_kinds() -> dict[str, CriterionKind]:
    """All registered kinds, the hook's included, in registration order (built-in ones first)."""
    load_hooked_kinds()
    return dict(CRITERION_KINDS)


def _arguments(entry: object, function: Callable) -> tuple[str, Callable, dict]:
    if isinstance(entry, Mapping):
        options = dict(entry)
        try:
            return options.pop("name"), options.pop("score"), options
        except KeyError as missing:
            raise TypeError(
                f"{HOOK_NAME} hook {function.__qualname__}: a kind needs {missing}"
            ) from None
    if isinstance(entry, Iterable) and not isinstance(entry, str | bytes):
        items = tuple(entry)
        if len(items) == 2:
            return items[0], items[1], {}
        if len(items) == 3 and isinstance(items[2], Mapping):
            return items[0], items[1], dict(items[2])
    raise TypeError(
        f"{HOOK_NAME} hook {function.__qualname__}: expected a dict or (name, score[, options]), "
        f"got {entry!r}"
    )


def _unload() -> None:
    for name, previous in _registered.items():
        if previous is None:
            unregister_criterion_kind(name)
        else:
            CRITERION_KINDS[name] = previous
    _registered.clear()
