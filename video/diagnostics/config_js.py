"""Reading the Jitsi server's ``config.js`` (a heuristic) and the privacy findings drawn from it.

The file is JavaScript, not JSON, so it is scanned with regular expressions for ``key: value`` and
``config.key = value`` after comments are removed. The last assignment of a key wins, as in the
browser. Settings made elsewhere (interface_config.js, overrides in the embedding page, prosody)
are invisible here; docs/jitsi.md lists what the server itself must enforce.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .findings import Finding

# STUN/TURN and analytics hosts outside the organisation. meet.jit.si's relay is the default
# in many copies of config.js; Google's STUN servers are the default in many WebRTC examples.
THIRD_PARTY_MEDIA_HOSTS = (
    "meet-jit-si-turnrelay.jitsi.net",
    "jitsi.net",
    "stun.l.google.com",
    "l.google.com",
    "stun.services.mozilla.com",
    "global.stun.twilio.com",
    "stun.stunprotocol.org",
    "stun.nextcloud.com",
)


def strip_js_comments(source: str) -> str:
    """Remove // and /* */ comments, leaving string literals (with their "//" in URLs) alone."""
    out: list[str] = []
    i, n = 0, len(source)
    quote = ""
    while i < n:
        char = source[i]
        if quote:
            out.append(char)
            if char == "\\" and i + 1 < n:
                out.append(source[i + 1])
                i += 2
                continue
            if char == quote:
                quote = ""
            i += 1
            continue
        if char in "\"'`":
            quote = char
            out.append(char)
            i += 1
        elif source.startswith("//", i):
            end = source.find("\n", i)
            i = n if end == -1 else end
        elif source.startswith("/*", i):
            end = source.find("*/", i + 2)
            i = n if end == -1 else end + 2
            out.append(" ")
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _skip_string(text: str, i: int) -> int:
    quote = text[i]
    i += 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            return i + 1
        i += 1
    return i


def _balanced(text: str, start: int) -> int:
    """Index just after the bracket group that opens at ``start``."""
    pairs = {"{": "}", "[": "]", "(": ")"}
    stack = [pairs[text[start]]]
    i = start + 1
    while i < len(text) and stack:
        char = text[i]
        if char in "\"'`":
            i = _skip_string(text, i)
            continue
        if char in pairs:
            stack.append(pairs[char])
        elif stack and char == stack[-1]:
            stack.pop()
        i += 1
    return i


def _read_value(text: str, start: int) -> str:
    i = start
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    if i >= len(text):
        return ""
    if text[i] in "{[(":
        return text[i : _balanced(text, i)]
    if text[i] in "\"'`":
        return text[i : _skip_string(text, i)]
    end = i
    while end < len(text) and text[end] not in ",;\n}]":
        end += 1
    return text[i:end].strip()


def _depth_at(text: str, position: int) -> int:
    depth, i = 0, 0
    while i < position:
        char = text[i]
        if char in "\"'`":
            i = _skip_string(text, i)
            continue
        if char in "{[(":
            depth += 1
        elif char in "}])":
            depth -= 1
        i += 1
    return depth


def _find(text: str, path: list[str], *, top_level_only: bool) -> list[tuple[int, str]]:
    """(position, raw value) of every assignment of ``path`` inside ``text``."""
    found: list[tuple[int, str]] = []
    head = re.escape(path[0])
    # object property or assignment of the first segment: "prejoinConfig: {...}", "config.x = ..."
    for match in re.finditer(
        rf"(?<![\w$.])(?:config\s*\.\s*)?['\"]?{head}['\"]?\s*(?::|=(?!=))", text
    ):
        if top_level_only and _depth_at(text, match.start()) != 0:
            continue
        value = _read_value(text, match.end())
        if len(path) == 1:
            found.append((match.start(), value))
        elif value.startswith("{"):
            inner = value[1:-1]
            offset = (
                match.end() + (len(text[match.end() :]) - len(text[match.end() :].lstrip())) + 1
            )
            found.extend(
                (offset + pos, raw) for pos, raw in _find(inner, path[1:], top_level_only=True)
            )
    if len(path) > 1:
        dotted = r"\s*\.\s*".join(re.escape(part) for part in path)
        for match in re.finditer(rf"(?<![\w$.])(?:config\s*\.\s*)?{dotted}\s*=(?!=)", text):
            if top_level_only and _depth_at(text, match.start()) != 0:
                continue
            found.append((match.start(), _read_value(text, match.end())))
    return found


def config_value(config_js: str, dotted: str) -> str | None:
    """The raw JavaScript text last assigned to ``dotted`` (e.g. "prejoinConfig.enabled") in
    ``config_js`` (comments already removed), or None. A heuristic, see the module docstring."""
    found = _find(config_js, dotted.split("."), top_level_only=False)
    return max(found)[1] if found else None


def _bool(raw: str | None) -> bool | None:
    if raw is None:
        return None
    value = raw.strip().strip("'\"").lower()
    if value in {"true", "1", "!0"}:
        return True
    if value in {"false", "0", "!1", "null", "undefined", ""}:
        return False
    return None


def _empty(raw: str | None) -> bool:
    if raw is None:
        return True
    value = re.sub(r"\s+", "", raw)
    return value in {"", "''", '""', "``", "[]", "{}", "null", "undefined", "false"}


def config_findings(source: str) -> list[Finding]:
    text = strip_js_comments(source)
    findings: list[Finding] = []

    def setting(code: str) -> dict[str, str]:
        return {"setting": code}

    third_party = _bool(config_value(text, "disableThirdPartyRequests"))
    if third_party:
        findings.append(
            Finding(
                "ok",
                _("config.js blocks requests to third parties (%(setting)s).")
                % setting("disableThirdPartyRequests: true"),
            )
        )
    else:
        findings.append(
            Finding(
                "error",
                _(
                    "config.js does not set %(setting)s: browsers may load avatars (Gravatar) and other "
                    "resources from third parties and reveal who takes part."
                )
                % setting("disableThirdPartyRequests: true"),
                _("Set %(setting)s in config.js (Docker: add it to custom-config.js).")
                % setting("disableThirdPartyRequests: true"),
            )
        )
        gravatar_off = _bool(config_value(text, "gravatar.disabled"))
        if not gravatar_off:
            findings.append(
                Finding(
                    "warning",
                    _("Avatars may be loaded from Gravatar, a third party."),
                    _("Set %(setting)s in config.js.") % setting("gravatar: { disabled: true }"),
                )
            )

    prejoin = _bool(config_value(text, "prejoinConfig.enabled"))
    if prejoin is None:
        prejoin = _bool(config_value(text, "prejoinPageEnabled"))
    if prejoin:
        findings.append(
            Finding(
                "ok",
                _(
                    "The prejoin page is enabled: people see their camera, microphone "
                    "and name before they join."
                ),
            )
        )
    else:
        findings.append(
            Finding(
                "warning",
                _(
                    "The prejoin page is not enabled: people join with camera and microphone "
                    "without checking them first."
                ),
                _("Set %(setting)s in config.js (Docker: ENABLE_PREJOIN_PAGE=true).")
                % setting("prejoinConfig: { enabled: true }"),
            )
        )

    recording_keys = {
        "fileRecordingsEnabled": "fileRecordingsEnabled: false",
        "recordingService.enabled": "recordingService: { enabled: false }",
        "liveStreamingEnabled": "liveStreamingEnabled: false",
        "liveStreaming.enabled": "liveStreaming: { enabled: false }",
        "localRecording.enabled": "localRecording: { disable: true }",
    }
    recording_on = [
        (key, code) for key, code in recording_keys.items() if _bool(config_value(text, key))
    ]
    for key, code in recording_on:
        findings.append(
            Finding(
                "error",
                _(
                    "config.js enables recording or streaming (%(key)s): sessions must never be "
                    "recorded."
                )
                % {"key": key},
                _(
                    "Set %(setting)s in config.js and do not install Jibri (Docker: ENABLE_RECORDING=0, "
                    "ENABLE_LIVESTREAMING=false)."
                )
                % setting(code),
            )
        )
    if not recording_on:
        findings.append(
            Finding("ok", _("Recording and live streaming are not enabled in config.js."))
        )
    if not _empty(config_value(text, "hiddenDomain")):
        findings.append(
            Finding(
                "warning",
                _("config.js names a hidden domain for recorders or transcribers (Jibri, Jigasi)."),
                _("Remove %(setting)s from config.js and do not run Jibri or Jigasi's transcriber.")
                % setting("hiddenDomain"),
            )
        )
    if not _bool(config_value(text, "localRecording.disable")):
        findings.append(
            Finding(
                "warning",
                _("Local recording (saved in the moderator's browser) is not switched off."),
                _("Set %(setting)s in config.js (Docker: DISABLE_LOCAL_RECORDING=true).")
                % setting("localRecording: { disable: true }"),
            )
        )

    transcription = [
        key
        for key in ("transcribingEnabled", "transcription.enabled")
        if _bool(config_value(text, key))
    ]
    if transcription:
        findings.append(
            Finding(
                "error",
                _(
                    "config.js enables transcription (%(key)s): speech would be sent to a "
                    "transcription service."
                )
                % {"key": ", ".join(transcription)},
                _(
                    "Set %(setting)s in config.js, remove Jigasi's transcriber (Docker: "
                    "ENABLE_TRANSCRIPTIONS=0)."
                )
                % setting("transcription: { enabled: false }"),
            )
        )
    else:
        findings.append(Finding("ok", _("Transcription is not enabled in config.js.")))

    lowered = text.lower()
    media_hosts = sorted({host for host in THIRD_PARTY_MEDIA_HOSTS if host in lowered})
    media_hosts = [
        host
        for host in media_hosts
        if not any(other != host and other.endswith("." + host) for other in media_hosts)
    ]
    if media_hosts:
        findings.append(
            Finding(
                "error",
                _(
                    "config.js uses STUN/TURN servers of third parties (%(hosts)s): they learn the "
                    "IP addresses of everyone in a session."
                )
                % {"hosts": ", ".join(media_hosts)},
                _(
                    "Run your own STUN/TURN server (coturn) and point %(setting)s at it, or remove the "
                    "entry (Docker: P2P_STUN_SERVERS, TURN_HOST)."
                )
                % setting("p2p.stunServers"),
            )
        )
    else:
        findings.append(Finding("ok", _("No third-party STUN/TURN servers in config.js.")))

    trackers = [
        key
        for key in (
            "analytics.googleAnalyticsTrackingId",
            "googleAnalyticsTrackingId",
            "analytics.amplitudeAPPKey",
            "analytics.matomoEndpoint",
            "analytics.scriptURLs",
            "callStatsID",
        )
        if not _empty(config_value(text, key))
    ]
    if trackers:
        findings.append(
            Finding(
                "error",
                _("config.js sends usage data to analytics services (%(keys)s).")
                % {"keys": ", ".join(trackers)},
                _(
                    "Remove these settings so that %(setting)s stays empty (Docker: unset GOOGLE_ANALYTICS_ID, "
                    "AMPLITUDE_ID, MATOMO_*, ANALYTICS_SCRIPT_URLS)."
                )
                % setting("analytics: {}"),
            )
        )
    else:
        findings.append(Finding("ok", _("No analytics services in config.js.")))
    if _bool(config_value(text, "analytics.rtcstatsEnabled")):
        findings.append(
            Finding(
                "warning",
                _("rtcstats collects connection statistics of every participant."),
                _("Set %(setting)s unless you need it and run the rtcstats server yourself.")
                % setting("analytics: { rtcstatsEnabled: false }"),
            )
        )

    if not _bool(config_value(text, "enableInsecureRoomNameWarning")):
        findings.append(
            Finding(
                "warning",
                _("Rooms with guessable names created by hand are not flagged."),
                _("Set %(setting)s in config.js.") % setting("enableInsecureRoomNameWarning: true"),
            )
        )
    if not _bool(config_value(text, "doNotStoreRoom")):
        findings.append(
            Finding(
                "warning",
                _("Browsers keep a list of recent rooms, visible on shared computers."),
                _("Set %(setting)s in config.js.") % setting("doNotStoreRoom: true"),
            )
        )
    if not _empty(config_value(text, "hosts.anonymousdomain")):
        findings.append(
            Finding(
                "warning",
                _(
                    "Guest access is enabled (hosts.anonymousdomain): people without a Tandem token "
                    "can enter rooms."
                ),
                _(
                    "Remove the guest domain (Docker: ENABLE_GUESTS=0) and keep %(setting)s in prosody."
                )
                % setting("allow_empty_token = false"),
            )
        )
    if _bool(config_value(text, "e2ee.disabled")):
        findings.append(
            Finding(
                "warning",
                _("End-to-end encryption is switched off in config.js."),
                _("Remove %(setting)s from config.js.") % setting("e2ee: { disabled: true }"),
            )
        )
    return findings
