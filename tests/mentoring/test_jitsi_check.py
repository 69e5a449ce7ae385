"""``check_server`` and ``manage.py jitsi_check`` against the stand-in Jitsi server, and the
stand-in's own room page, which verifies tokens by prosody's rules."""

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
import requests
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from tests.support.jitsi_standin import DEFAULT_CONFIG_JS, JitsiStandIn
from video import diagnostics
from video.diagnostics import (
    JitsiUnavailable,
    check_server,
    config_value,
    strip_js_comments,
)
from video.jitsi import JitsiServer, new_room_name, room_token

ROOT = Path(__file__).resolve().parents[2]
SECRET = "standin-secret-" * 4


@pytest.fixture(autouse=True)
def english():
    """Assertions read the English msgids; the German catalogue may translate them."""
    with translation.override("en"):
        yield


@pytest.fixture
def standin():
    with JitsiStandIn("tandem", SECRET) as running:
        yield running


@pytest.fixture
def configured(settings, standin):
    for name, value in standin.settings().items():
        setattr(settings, name, value)
    settings.TANDEM_VIDEO_JITSI_API_TOKEN = "api-token-" * 4
    settings.TANDEM_VIDEO_JITSI_TIMEOUT = 5
    return standin


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def problems(findings):
    return [finding for finding in findings if finding.level != "ok"]


def errors(findings):
    return [finding for finding in findings if finding.level == "error"]


def check(standin, **overrides):
    values = {"base_url": standin.base_url, "timeout": 5, "health_url": standin.health_url}
    values.update(overrides)
    return check_server(**values)


# --- check_server -------------------------------------------------------------------------------


def test_privacy_correct_server_passes_without_errors_or_warnings(standin):
    findings = check(standin)
    assert problems(findings) == []
    assert {"/external_api.js", "/config.js", "/about/health"} <= set(standin.requests)
    messages = " ".join(finding.message for finding in findings)
    assert "answers" in messages and "IFrame API" in messages


@pytest.mark.parametrize(
    "line, key, fix",
    [
        (
            "config.fileRecordingsEnabled = true;",
            "fileRecordingsEnabled",
            "fileRecordingsEnabled: false",
        ),
        (
            "config.recordingService = { enabled: true, sharingEnabled: false };",
            "recordingService.enabled",
            "recordingService: { enabled: false }",
        ),
        (
            "config.liveStreaming = { enabled: true };",
            "liveStreaming.enabled",
            "liveStreaming: { enabled: false }",
        ),
        (
            "config.transcription = { enabled: true };",
            "transcription.enabled",
            "transcription: { enabled: false }",
        ),
        (
            "config.transcribingEnabled = true;",
            "transcribingEnabled",
            "transcription: { enabled: false }",
        ),
        (
            "config.p2p.stunServers = [{ urls: 'stun:meet-jit-si-turnrelay.jitsi.net:443' }];",
            "meet-jit-si-turnrelay.jitsi.net",
            "p2p.stunServers",
        ),
        (
            "config.p2p = { enabled: true, stunServers: [{ urls: 'stun:stun.l.google.com:19302' }] };",
            "stun.l.google.com",
            "coturn",
        ),
        (
            "config.analytics.googleAnalyticsTrackingId = 'UA-123456-1';",
            "googleAnalyticsTrackingId",
            "analytics: {}",
        ),
        (
            "config.disableThirdPartyRequests = false;",
            "disableThirdPartyRequests",
            "disableThirdPartyRequests: true",
        ),
    ],
)
def test_config_js_that_breaks_privacy_is_an_error_naming_the_fix(standin, line, key, fix):
    standin.config_js = DEFAULT_CONFIG_JS % {"host": standin.host} + line + "\n"
    found = errors(check(standin))
    assert len(found) == 1, found
    assert key in found[0].message + found[0].fix
    assert fix in found[0].fix


@pytest.mark.parametrize(
    "line, fix",
    [
        ("config.prejoinConfig.enabled = false;", "prejoinConfig: { enabled: true }"),
        ("config.localRecording = { disable: false };", "localRecording: { disable: true }"),
        ("config.hosts.anonymousdomain = 'guest.meet.example.org';", "allow_empty_token = false"),
        ("config.doNotStoreRoom = false;", "doNotStoreRoom: true"),
    ],
)
def test_weaker_settings_are_warnings_with_a_fix(standin, line, fix):
    standin.config_js = DEFAULT_CONFIG_JS % {"host": standin.host} + line + "\n"
    found = problems(check(standin))
    assert [finding.level for finding in found] == ["warning"]
    assert fix in found[0].fix


def test_commented_out_settings_and_urls_in_strings_are_read_correctly(standin):
    standin.config_js = DEFAULT_CONFIG_JS % {"host": standin.host} + (
        "// config.fileRecordingsEnabled = true;\n"
        "/* transcription: { enabled: true }, stun:stun.l.google.com */\n"
        "config.bosh = 'https://meet.example.org/http-bind'; // comment after a URL\n"
    )
    assert problems(check(standin)) == []


def test_debian_style_config_is_read_with_last_assignment_winning():
    text = strip_js_comments("""
        var config = {
            hosts: { domain: 'meet.example.org', // anonymousdomain: 'guest.example.org',
                     muc: 'conference.meet.example.org' },
            prejoinConfig: { enabled: true, hideDisplayName: false },
            p2p: { enabled: true, stunServers: [ { urls: 'stun:turn.example.org:443' } ] },
        };
        config.prejoinConfig.enabled = false;
    """)
    assert config_value(text, "prejoinConfig.enabled") == "false"
    assert config_value(text, "hosts.anonymousdomain") is None
    assert config_value(text, "hosts.domain") == "'meet.example.org'"
    assert "turn.example.org" in config_value(text, "p2p.stunServers")


def test_failing_health_endpoint_is_an_error(standin):
    standin.health = False
    found = errors(check(standin))
    assert len(found) == 1
    assert "Health check failed" in found[0].message and "500" in found[0].message


def test_html_instead_of_the_iframe_api_is_an_error(standin):
    found = errors(check_server(base_url=standin.base_url + "/nowhere", timeout=5))
    assert found and "external_api.js" in found[0].message


def test_nothing_listening_gives_a_clear_cannot_reach_error():
    url = f"http://127.0.0.1:{closed_port()}"
    findings = check_server(base_url=url, timeout=2, health_url="/about/health")
    assert [finding.level for finding in findings] == ["error"]
    assert "Cannot reach" in findings[0].message and "refused" in findings[0].message
    assert "TANDEM_VIDEO_JITSI_DOMAIN" in findings[0].fix
    with pytest.raises(JitsiUnavailable) as excinfo:
        diagnostics.fetch(url, timeout=2)
    assert excinfo.value.reason == "refused"


@pytest.mark.parametrize("host", ["meet.jit.si", "8x8.vc", "foo.meet.jit.si"])
def test_public_test_servers_are_flagged(monkeypatch, host):
    def unreachable(url, **kwargs):
        raise requests.ConnectionError(ConnectionRefusedError(111, "Connection refused"))

    monkeypatch.setattr(diagnostics.session(), "get", unreachable)
    findings = check_server(base_url=f"https://{host}", timeout=1)
    warnings = [finding for finding in findings if finding.level == "warning"]
    assert len(warnings) == 1 and "public server" in warnings[0].message
    assert "TANDEM_VIDEO_JITSI_DOMAIN" in warnings[0].fix


def test_every_request_has_a_timeout(monkeypatch, standin):
    seen = []
    original = diagnostics.session().get

    def spy(url, **kwargs):
        seen.append(kwargs.get("timeout"))
        return original(url, **kwargs)

    monkeypatch.setattr(diagnostics.session(), "get", spy)
    check(standin, timeout=3)
    assert seen and all(timeout == 3 for timeout in seen)


# --- manage.py jitsi_check ----------------------------------------------------------------------


def test_command_reports_each_finding_and_succeeds_on_a_good_server(configured):
    out = StringIO()
    call_command("jitsi_check", stdout=out)
    output = out.getvalue()
    assert configured.base_url in output
    lines = [line for line in output.splitlines() if line.startswith(("OK:", "WARNING:", "ERROR:"))]
    assert len(lines) >= 6 and all(line.startswith("OK:") for line in lines)
    assert "0 error(s), 0 warning(s)." in output


def test_command_fails_with_status_1_and_prints_the_fix(configured):
    configured.health = False
    configured.config_js += "config.fileRecordingsEnabled = true;\n"
    out = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("jitsi_check", stdout=out)
    assert excinfo.value.returncode == 1
    assert "2 error(s)" in str(excinfo.value)
    output = out.getvalue()
    assert "ERROR: Health check failed" in output
    assert "Fix: Set fileRecordingsEnabled: false in config.js" in output


def test_command_explains_how_to_configure_when_no_domain_is_set(settings):
    settings.TANDEM_VIDEO_JITSI_DOMAIN = ""
    with pytest.raises(CommandError) as excinfo:
        call_command("jitsi_check", stdout=StringIO())
    message = str(excinfo.value)
    for name in (
        "TANDEM_VIDEO_JITSI_DOMAIN",
        "TANDEM_VIDEO_JITSI_APP_ID",
        "TANDEM_VIDEO_JITSI_APP_SECRET",
        "--url",
    ):
        assert name in message


def test_command_options_override_the_settings(settings, standin):
    settings.TANDEM_VIDEO_JITSI_DOMAIN = "meet.example.invalid"
    out = StringIO()
    call_command(
        "jitsi_check",
        "--url",
        standin.base_url,
        "--health-url",
        "/about/health",
        "--timeout",
        "2",
        stdout=out,
    )
    assert "The health endpoint" in out.getvalue()
    assert "meet.example.invalid" not in out.getvalue()


def test_command_warns_about_missing_token_settings(configured, settings):
    settings.TANDEM_VIDEO_JITSI_API_TOKEN = ""
    settings.TANDEM_VIDEO_JITSI_APP_SECRET = ""
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("jitsi_check", stdout=out)
    assert "TANDEM_VIDEO_JITSI_APP_SECRET missing" in out.getvalue()
    assert "WARNING: TANDEM_VIDEO_JITSI_API_TOKEN is empty" in out.getvalue()


def test_command_line_exit_status_is_1_without_a_traceback():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test", "LANGUAGE": "en"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "jitsi_check",
            "--url",
            f"http://127.0.0.1:{closed_port()}",
            "--timeout",
            "2",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "CommandError" in result.stderr


# --- the stand-in's room page ---------------------------------------------------------------------


def token(standin, *, room: str, moderator: bool = True, secret: str = SECRET) -> str:
    now = datetime.now(UTC)
    jitsi = JitsiServer(domain=standin.domain, app_id="tandem", app_secret=secret)
    return room_token(
        server=jitsi,
        room=room,
        user_id="p-1",
        display_name="Mira M.",
        moderator=moderator,
        start=now - timedelta(minutes=5),
        end=now + timedelta(minutes=40),
        now=now,
    )


def test_stand_in_admits_a_valid_room_token(standin):
    room = new_room_name()
    page = requests.get(
        f"{standin.base_url}/{room}", params={"jwt": token(standin, room=room)}, timeout=5
    )
    assert page.status_code == 200
    assert '<html lang="de">' in page.text and "<title>" in page.text and "<main>" in page.text
    assert f"Raum {room} betreten als Mira M. (Moderator: ja)" in page.text
    assert f'data-room="{room}"' in page.text and 'data-moderator="true"' in page.text
    assert f"/{room}" in standin.requests


def test_stand_in_shows_a_member_as_no_moderator(standin):
    room = new_room_name()
    page = requests.get(
        f"{standin.base_url}/{room}",
        params={"jwt": token(standin, room=room, moderator=False)},
        timeout=5,
    )
    assert "(Moderator: nein)" in page.text and 'data-moderator="false"' in page.text


def test_stand_in_rejects_a_token_for_another_room_a_forged_or_a_missing_token(standin):
    room, other = new_room_name(), new_room_name()
    page = requests.get(
        f"{standin.base_url}/{room}", params={"jwt": token(standin, room=other)}, timeout=5
    )
    assert "Token abgelehnt: room" in page.text and "betreten" not in page.text
    forged = token(standin, room=room, secret="another-secret-" * 4)
    page = requests.get(f"{standin.base_url}/{room}", params={"jwt": forged}, timeout=5)
    assert "Token abgelehnt: signature" in page.text
    assert (
        "Token abgelehnt: kein Token" in requests.get(f"{standin.base_url}/{room}", timeout=5).text
    )


def test_stand_in_serves_a_real_iframe_api(standin):
    script = requests.get(f"{standin.base_url}/external_api.js", timeout=5)
    assert script.headers["Content-Type"].startswith("application/javascript")
    for part in (
        "window.JitsiMeetExternalAPI",
        "camera; microphone; display-capture",
        "?jwt=",
        "'config'",
        "interfaceConfig",
        "frame.title",
        "addListener",
        "executeCommand",
        "dispose",
    ):
        assert part in script.text
