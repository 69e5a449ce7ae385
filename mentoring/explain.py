"""Human, translated sentences for the engine's stable reason codes, and the numbers of a
proposed pair as the review page shows them."""

import math
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .models import Criterion


def _join(values) -> str:
    if isinstance(values, (list, tuple)):
        return ", ".join(str(v) for v in values) or "–"
    return str(values)


def criterion_reason(item: dict) -> str:
    reason, params = item.get("reason", ""), item.get("params") or {}
    texts = {
        "overlap": lambda: _("In common: %(shared)s") % {"shared": _join(params.get("shared"))},
        "no_overlap": lambda: (
            _("Nothing in common (wanted: %(wanted)s; offered: %(offered)s)")
            % {"wanted": _join(params.get("wanted")), "offered": _join(params.get("offered"))}
        ),
        "same_value": lambda: _("Same answer: %(value)s") % {"value": _join(params.get("value"))},
        "different_values": lambda: (
            _("Different: %(mentee)s / %(mentor)s")
            % {"mentee": _join(params.get("mentee")), "mentor": _join(params.get("mentor"))}
        ),
        "values_differ": lambda: (
            _("Different: %(mentee)s / %(mentor)s")
            % {"mentee": _join(params.get("mentee")), "mentor": _join(params.get("mentor"))}
        ),
        "preference_met": lambda: (
            _("Wish fulfilled: %(value)s") % {"value": _join(params.get("value"))}
        ),
        "preference_not_met": lambda: (
            _("Wish not fulfilled (wished: %(preferred)s)")
            % {"preferred": _join(params.get("preferred"))}
        ),
        "no_preference": lambda: _("No wish stated"),
        "no_data": lambda: (
            _("Not answered by the mentee")
            if params.get("side") == "mentee"
            else _("Not answered by the mentor")
        ),
        "criterion_met": lambda: _("Fulfilled"),
        "criterion_partly_met": lambda: _("Partly fulfilled"),
        "criterion_not_met": lambda: _("Not fulfilled"),
    }
    site_text = _site_reason(item.get("kind"), reason, params)
    if site_text is not None:
        return site_text
    return texts[reason]() if reason in texts else reason


def _site_reason(kind_name, reason: str, params: dict) -> str | None:
    """The text a site gave for a reason code of its own criterion kind (``reasons`` when
    registering it), or None."""
    from .matching.site_kinds import available_kinds

    kind = available_kinds().get(kind_name) if kind_name else None
    template = kind.reasons.get(reason) if kind is not None else None
    if template is None:
        return None
    text = str(template)
    try:
        return text % {key: _join(value) for key, value in params.items()}
    except (KeyError, TypeError, ValueError):
        return text


def unmatched_reason(entry: dict) -> str:
    reason, details = entry.get("reason", ""), entry.get("details") or {}
    if reason == "no_feasible_mentor":
        parts = [
            _("rule “%(criterion)s” excluded %(count)s mentors")
            % {"criterion": rule["criterion"], "count": rule["mentors"]}
            for rule in details.get("excluded_by_rule", [])
            if rule.get("mentors")
        ]
        if details.get("excluded_by_forbidden"):
            parts.append(
                _("%(count)s pairs are excluded (declined before)")
                % {"count": details["excluded_by_forbidden"]}
            )
        return _("No mentor fulfils the hard rules") + (f" ({'; '.join(parts)})" if parts else "")
    return {
        "capacity_exhausted": _(
            "Suitable mentors exist, but their places went to better overall pairs"
        ),
        "places_pinned": _("The places of all suitable mentors went to pinned pairs"),
        "no_free_place": _("Suitable mentors exist, but none of them has a free place"),
        "all_mentors_paused": _("All suitable mentors are paused"),
        "no_mentors": _("There are no mentors with free places"),
        "mentee_paused": _("The mentee is paused"),
    }.get(reason, reason)


def pin_issue_reason(entry: dict, names: dict) -> str:
    """Why a pinned pair could not be kept; ``names`` maps application ids to names."""
    reason, details = entry.get("reason", ""), entry.get("details") or {}
    if reason == "capacity_exceeded":
        earlier = [str(names.get(pk, pk)) for pk in details.get("pinned_mentees", [])]
        return _("The mentor's places (%(capacity)s) already went to earlier pins (%(names)s)") % {
            "capacity": details.get("capacity", 0),
            "names": _join(earlier),
        }
    if reason == "breaks_rule":
        rules = [rule.get("criterion", "") for rule in details.get("rules", [])]
        return _("The pair breaks a hard rule (%(rules)s)") % {"rules": _join(rules)}
    if reason == "mentee_already_pinned":
        return _("The mentee is already pinned to %(name)s") % {
            "name": names.get(details.get("pinned_to"), details.get("pinned_to"))
        }
    return {
        "unknown_person": _(
            "The mentee or the mentor no longer takes part (withdrawn, already in a tandem "
            "or without a free place)"
        ),
        "mentee_paused": _("The mentee is paused"),
        "mentor_paused": _("The mentor is paused"),
        "forbidden": _("The pair must not be proposed (declined before)"),
    }.get(reason, reason)


def round_half_up(value: float) -> int:
    """Round as the templates' ``floatformat`` does (half away from zero, for scores ≥ 0)."""
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def points_out_of_100(breakdown: list[dict], score: float) -> tuple[list[tuple], int]:
    """Each criterion's points and maximum on the pair's 0–100 scale, and the total.

    A criterion of weight w can give up to 100 × w / Σ weights points and gives that times its
    raw score. Shown as whole numbers by largest-remainder rounding, so the shown maxima add up
    to 100 and the shown points add up to the shown total (the rounded score). A criterion
    without weight (a hard rule only) gives ``(None, None)``."""
    total = round_half_up(score)
    weights = [float(item.get("weight") or 0) for item in breakdown]
    weight_sum = sum(weights)
    if weight_sum <= 0:
        return [(None, None)] * len(breakdown), total
    maxima = _largest_remainder([100 * w / weight_sum for w in weights], 100)
    shares = [100 * float(item.get("contribution") or 0) / weight_sum for item in breakdown]
    points = _largest_remainder(shares, total, caps=maxima)
    return [
        (gained, possible) if weight else (None, None)  # a rule without weight gives no points
        for gained, possible, weight in zip(points, maxima, weights, strict=True)
    ], total


def _largest_remainder(
    values: list[float], target: int, caps: list[int] | None = None
) -> list[int]:
    """Whole numbers near ``values`` that add up to ``target``: round down, then give the units
    left to the largest remainders (earlier entries first on ties), never above ``caps``."""
    parts = [math.floor(value + 1e-9) for value in values]
    if not parts:
        return parts
    order = sorted(range(len(values)), key=lambda i: (parts[i] - values[i], i))
    left = target - sum(parts)
    while left > 0:
        chosen = next((i for i in order if caps is None or parts[i] < caps[i]), order[0])
        parts[chosen] += 1
        order.remove(chosen)
        order.append(chosen)
        left -= 1
    while left < 0 and any(parts):
        chosen = min((i for i in order if parts[i] > 0), key=lambda i: values[i] - parts[i])
        parts[chosen] -= 1
        left += 1
    return parts


def criterion_label(criterion) -> str:
    """What a criterion is called on the review page: its question, not its internal key."""
    return criterion.mentee_question or criterion.mentor_question or criterion.key


def pair_rows(breakdown: list[dict], score: float, criteria: dict) -> tuple[list[dict], int]:
    """The lines of a proposed pair's explanation, with points out of 100, and the total fit.

    ``criteria`` maps keys to the programme's criteria (for labels and rule names)."""
    rules = dict(Criterion.Rule.choices)
    points, total = points_out_of_100(breakdown, score)
    rows = []
    for item, (gained, possible) in zip(breakdown, points, strict=True):
        criterion = criteria.get(item["key"])
        rows.append(
            {
                **item,
                "label": criterion_label(criterion) if criterion else item["key"],
                "rule_label": rules.get(item["rule"], item["rule"]) if item.get("rule") else "",
                "points": gained,
                "max_points": possible,
                "text": criterion_reason(item),
            }
        )
    return rows, total


def answer_rows(criteria: dict, mentee_answers: dict, mentor_answers: dict) -> list[dict]:
    """Both people's answers, one row per question, labelled with the question."""
    rows = []
    for key, criterion in criteria.items():
        if key in mentee_answers or key in mentor_answers:
            rows.append(
                {
                    "label": criterion_label(criterion),
                    "mentee": _join(mentee_answers.get(key, "–")),
                    "mentor": _join(mentor_answers.get(key, "–")),
                }
            )
    return rows
