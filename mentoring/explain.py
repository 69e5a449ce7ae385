"""Human, translated sentences for the engine's stable reason codes."""

from django.utils.translation import gettext as _


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
        "all_mentors_paused": _("All suitable mentors are paused"),
        "no_mentors": _("There are no mentors with free places"),
        "mentee_paused": _("The mentee is paused"),
    }.get(reason, reason)
