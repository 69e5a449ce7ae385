"""Watched intervals of a video, as players report them: merged, measured, checked and capped
(the arithmetic behind ``services.video_progress_report``)."""

from __future__ import annotations

from collections.abc import Iterable

from .errors import INVALID_INTERVALS, CourseError

MAX_INTERVALS_PER_REPORT = 200


def merge_intervals(intervals: Iterable[Iterable[float]]) -> list[list[float]]:
    ordered = sorted([float(start), float(end)] for start, end in intervals)
    merged: list[list[float]] = []
    for start, end in ordered:
        if merged and start <= merged[-1][1] + 0.5:  # half a second of rounding between reports
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def intervals_length(intervals: Iterable[Iterable[float]]) -> float:
    return sum(end - start for start, end in intervals)


def clean_intervals(raw, duration: float) -> list[list[float]]:
    """The intervals a player reported, checked against the video's duration (zero-length ones
    dropped); anything else is refused with ``INVALID_INTERVALS``."""
    if not isinstance(raw, list) or len(raw) > MAX_INTERVALS_PER_REPORT:
        raise CourseError(INVALID_INTERVALS)
    cleaned = []
    for item in raw:
        if (
            not isinstance(item, (list, tuple))
            or len(item) != 2
            or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in item)
        ):
            raise CourseError(INVALID_INTERVALS)
        start, end = float(item[0]), float(item[1])
        if not (0 <= start <= end) or end > duration + 1 or start != start or end != end:
            # Well-formed numbers that are no interval of this video: a rule, not a syntax error.
            raise CourseError(INVALID_INTERVALS, code="out_of_range")
        if start == end:
            # Right after a seek the player's played ranges hold the new position as a range
            # without length; it credits nothing and is no sign of a forged report.
            continue
        cleaned.append([start, min(end, duration)])
    return cleaned


def truncate_new_watching(
    known: list[list[float]], claimed: list[list[float]], allowed: float
) -> list[list[float]]:
    """Keep claimed intervals only up to ``allowed`` seconds of newly watched time."""
    accepted = list(known)
    budget = allowed
    for start, end in merge_intervals(claimed):
        if budget <= 0:
            break
        before = intervals_length(merge_intervals(accepted))
        candidate = merge_intervals([*accepted, [start, end]])
        gain = intervals_length(candidate) - before
        if gain <= budget:
            accepted, budget = candidate, budget - gain
        else:
            shortened = merge_intervals([*accepted, [start, start + budget]])
            accepted, budget = shortened, 0
    return merge_intervals(accepted)
