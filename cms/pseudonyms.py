"""Pseudonymous ids: a keyed hash (HMAC-SHA256 with the site's SECRET_KEY) of what they stand for.

The same input gives the same id on this site, and nobody without the key can link an id to the
person or object behind it. Each use puts its purpose into the message (e.g. ``"audit:<pk>"``),
so ids of different purposes cannot be matched with each other."""

import hashlib
import hmac

from django.conf import settings


def keyed_id(message: str, *, length: int = 24) -> str:
    """The first ``length`` hex digits of HMAC-SHA256(SECRET_KEY, message)."""
    return hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()[
        :length
    ]
