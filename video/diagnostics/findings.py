"""What a check of the Jitsi server reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["ok", "warning", "error"]


@dataclass(frozen=True)
class Finding:
    """One result of a check: what was found and, unless it is fine, how to fix it."""

    level: Level
    message: str
    fix: str = ""
