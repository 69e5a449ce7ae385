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


def prosody_verify_breakout(
    token: str,
    *,
    breakout_room: str,
    main_rooms: dict[str, str],
    app_id: str,
    app_secret: str,
    audiences: set[str],
    domain: str,
    now: int,
) -> dict:
    """The check mod_token_verification applies on the breakout component
    (``breakout.<domain>``, jitsi-meet PR #11954 after issue #11075): a breakout room
    ``<uuid>@breakout.<domain>`` is checked against its *main* room, so a token whose 'room'
    names the main room admits that room's breakout rooms and no other. ``main_rooms`` maps the
    breakout rooms the server knows (created by a moderator of a main room) to their main room;
    an unknown breakout room is refused (mod_muc_breakout_rooms only lets people join rooms that
    a moderator created)."""
    node = breakout_room.split("@", 1)[0].lower()
    if "@" in breakout_room and not breakout_room.split("@", 1)[1].startswith("breakout."):
        raise ValueError("no breakout room")
    main = main_rooms.get(node)
    if main is None:
        raise ValueError("unknown breakout room")
    return prosody_verify(
        token,
        app_id=app_id,
        app_secret=app_secret,
        audiences=audiences,
        room=main,
        domain=domain,
        now=now,
    )
