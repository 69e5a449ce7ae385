"""Time zones people can choose (IANA names, without the legacy aliases)."""

import zoneinfo
from functools import cache


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [
        (name, name.replace("_", " "))
        for name in sorted(zoneinfo.available_timezones())
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/"))
    ]
