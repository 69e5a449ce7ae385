"""Tokens checked by a verifier that applies prosody's rules (mod_auth_token / token util):
HS256 with the app secret, 'iss' is the app id, 'aud' accepted, integer 'nbf'/'exp' around
now, 'room' names the room being joined, 'sub' names the domain."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.prosody import prosody_verify
from video.jitsi import JitsiServer, join_window, new_room_name, room_token

SERVER = JitsiServer(domain="meet.musterverband.example", app_id="tandem", app_secret="geheim-" * 8)
START = datetime(2027, 3, 28, 14, 0, tzinfo=UTC)
END = START + timedelta(minutes=45)


def token_for(moderator: bool = False, **overrides) -> str:
    values = {
        "server": SERVER,
        "room": "raum",
        "user_id": "p-123",
        "display_name": "Mira M.",
        "moderator": moderator,
        "start": START,
        "end": END,
        "now": START - timedelta(minutes=5),
    }
    values.update(overrides)
    return room_token(**values)


def verify(token: str, *, room: str = "raum", at: datetime = START) -> dict:
    return prosody_verify(
        token,
        app_id="tandem",
        app_secret=SERVER.app_secret,
        audiences={"jitsi"},
        room=room,
        domain="meet.musterverband.example",
        now=int(at.timestamp()),
    )


def test_token_admits_its_room_inside_the_window():
    claims = verify(token_for(moderator=True))
    assert claims["context"]["user"] == {
        "id": "p-123",
        "name": "Mira M.",
        "moderator": True,
        "affiliation": "owner",
    }
    features = claims["context"]["features"]
    assert (
        features["recording"] is False
        and features["livestreaming"] is False
        and features["transcription"] is False
    )


def test_only_the_mentor_moderates():
    assert verify(token_for(moderator=False))["context"]["user"]["moderator"] is False


@pytest.mark.parametrize(
    "at, ok",
    [
        (START - timedelta(minutes=11), False),
        (START - timedelta(minutes=10), True),
        (END + timedelta(minutes=14, seconds=59), True),
        (END + timedelta(minutes=15), False),
    ],
)
def test_window_opens_ten_minutes_early_and_closes_fifteen_minutes_late(at, ok):
    if ok:
        verify(token_for(), at=at)
    else:
        with pytest.raises(ValueError):
            verify(token_for(), at=at)


def test_token_is_useless_for_another_room_server_or_secret():
    token = token_for()
    with pytest.raises(ValueError, match="room"):
        verify(token, room="anderer-raum")
    with pytest.raises(ValueError, match="sub"):
        prosody_verify(
            token,
            app_id="tandem",
            app_secret=SERVER.app_secret,
            audiences={"jitsi"},
            room="raum",
            domain="meet.example.org",
            now=int(START.timestamp()),
        )
    with pytest.raises(ValueError, match="signature"):
        prosody_verify(
            token,
            app_id="tandem",
            app_secret="falsch",
            audiences={"jitsi"},
            room="raum",
            domain="meet.musterverband.example",
            now=int(START.timestamp()),
        )


def test_room_names_are_unguessable_and_free_of_personal_data():
    names = {new_room_name() for _ in range(1000)}
    assert len(names) == 1000
    assert all(
        len(name) == 32 and name.isalnum() and name == name.lower() for name in names
    )  # 160 bits


def test_unconfigured_server_or_impossible_session_gives_no_token():
    with pytest.raises(ValueError):
        token_for(server=JitsiServer(domain="", app_id="", app_secret=""))
    with pytest.raises(ValueError):
        join_window(END, START)


def test_jaas_option_signs_rs256_with_the_key_id_and_the_tenant():
    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    server = JitsiServer(
        domain="8x8.vc",
        app_id="vpaas-magic-cookie-abc",
        app_secret="",
        jaas_key_id="kid-1",
        jaas_private_key=pem,
    )
    assert server.configured and server.room_path("raum") == "vpaas-magic-cookie-abc/raum"
    token = token_for(server=server, moderator=True)
    assert jwt.get_unverified_header(token)["kid"] == "kid-1"
    claims = jwt.decode(
        token,
        key.public_key(),
        algorithms=["RS256"],
        audience="jitsi",
        options={"verify_nbf": False, "verify_exp": False, "verify_iat": False},
    )
    assert (claims["iss"], claims["sub"], claims["room"]) == (
        "chat",
        "vpaas-magic-cookie-abc",
        "raum",
    )
    assert claims["context"]["user"]["moderator"] == "true"
    assert claims["nbf"] == int((START - timedelta(minutes=10)).timestamp())
