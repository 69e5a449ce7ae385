"""An independent re-implementation of the checks prosody's token authentication applies
(mod_auth_token with token/util.lib.lua and luajwtjitsi): HS256 with the app secret, 'iss' is
the app id, 'aud' accepted, integer 'nbf'/'exp' around now, 'room' names the room being joined
(or "*"), 'sub' names the domain (or "*").

Written without PyJWT on purpose, so that it does not share mistakes with the code under test.
"""

import base64
import hashlib
import hmac
import json


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def prosody_verify(
    token: str,
    *,
    app_id: str,
    app_secret: str,
    audiences: set[str],
    room: str,
    domain: str,
    now: int,
) -> dict:
    """The token's claims, or ValueError naming the rule that failed."""
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        header = json.loads(_b64decode(header_b64))
    except (ValueError, TypeError) as exc:
        raise ValueError("format") from exc
    if header.get("alg") != "HS256":
        raise ValueError("alg")
    expected = hmac.new(
        app_secret.encode(), f"{header_b64}.{payload_b64}".encode(), hashlib.sha256
    ).digest()
    if not hmac.compare_digest(expected, _b64decode(signature_b64)):
        raise ValueError("signature")
    claims = json.loads(_b64decode(payload_b64))
    if claims.get("iss") != app_id:
        raise ValueError("iss")
    if claims.get("aud") not in audiences and "*" not in audiences:
        raise ValueError("aud")
    for name in ("nbf", "exp"):
        if not isinstance(claims.get(name), int):
            raise ValueError(f"{name} must be an integer")
    if now < claims["nbf"]:
        raise ValueError("not yet valid")
    if now >= claims["exp"]:
        raise ValueError("expired")
    if claims.get("room") not in (room, "*"):
        raise ValueError("room")
    if claims.get("sub") not in (domain.lower(), "*"):
        raise ValueError("sub")
    return claims
