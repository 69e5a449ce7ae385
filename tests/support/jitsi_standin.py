"""A stand-in for a self-hosted Jitsi Meet server, for tests and local demos.

It listens on 127.0.0.1 (a random port unless given) in a daemon thread and serves:

``/external_api.js``
    a small but real ``JitsiMeetExternalAPI(domain, options)``: like Jitsi's, it puts an
    ``<iframe>`` into ``options.parentNode`` whose ``src`` is
    ``<scheme>://<domain>/<roomName>?jwt=<jwt>#jitsi_meet_external_api_id=0&config.x.y=…``.
    The scheme is that of the script's own URL (``http`` here); ``options.noSSL`` forces
    ``http``. Unlike Jitsi's, the iframe also gets a ``title`` (``options.title`` or
    "Videokonferenz") - the real API sets none, so the embedding page must set one itself.
``/config.js``
    privacy-correct by default, or the text given as ``config_js``
``/about/health``
    200 ``{}`` or 500 when ``health`` is False
``/<room>?jwt=…``
    a German, accessible HTML page that verifies the token by prosody's rules
    (:func:`tests.support.prosody.prosody_verify`) and says in ``<h1 id="room-status">``
    either "Raum <room> betreten als <name> (Moderator: ja|nein)" or "Token abgelehnt: <rule>".
    It tells the parent page "videoConferenceJoined" or "errorOccurred" via postMessage, which
    the stand-in's API hands to ``addListener`` callbacks.

With ``lobby=True`` every room has Jitsi's lobby (mod_muc_lobby_rooms) switched on: a member
whose token carries neither ``affiliation`` "owner" (mod_token_affiliation) nor
``lobby_bypass`` (mod_token_lobby_bypass) knocks and sees "Warteraum von Raum <room>: <name>
wartet auf Einlass" until a moderator admits them; a moderator's room page lists the people
knocking, each with a button "Einlassen: <name>" (the moderator's own token authorises the
admission). ``knocking(room)`` and ``occupants(room)`` tell a test who waits and who is in.

Breakout rooms (Jitsi's ``muc_breakout_rooms``), enough for workshop tests: the API's
``executeCommand`` forwards ``addBreakoutRoom(name)``, ``removeBreakoutRoom(id)``,
``closeBreakoutRoom(id)`` (everyone in it back to the main room), ``sendParticipantToRoom(
participantId, roomId)`` and ``joinBreakoutRoom(roomId)`` to the room page, which sends them to
the stand-in (``POST /_standin/command``; moderators only, as in Jitsi). Each room page polls
``/_standin/state`` and tells its parent ``breakoutRoomsUpdated`` (``{rooms: {id: {id, jid,
name, isMainRoom, participants}}}``) and ``participantJoined``; a participant moved into a
breakout room joins it with the same token (``/_standin/join``), which is checked by the rule
prosody applies on the breakout component (:func:`tests.support.prosody.prosody_verify_breakout`:
the token's room must be the breakout room's main room), then shows "Breakout-Raum <name>
betreten als <name>" and tells its parent ``videoConferenceJoined`` again. Unlike Jitsi, a
participant keeps its endpoint id across rooms. Every move is recorded in ``moves``
(display name, room name or "" for the main room).

Every request path (without query string) is recorded in ``requests``.

By hand: ``python -m tests.support.jitsi_standin --port 8443 --app-id tandem --app-secret …``
serves until Ctrl+C and prints the settings to use.
"""

from __future__ import annotations

import argparse
import html
import json
import secrets
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from tests.support.prosody import prosody_verify, prosody_verify_breakout

DEFAULT_CONFIG_JS = """// Jitsi stand-in: the privacy settings Tandem expects (see docs/jitsi.md)
var config = {
    hosts: {
        domain: '%(host)s',
        muc: 'conference.%(host)s'
    },
    disableThirdPartyRequests: true,
    gravatar: { disabled: true },
    prejoinConfig: { enabled: true },
    enableInsecureRoomNameWarning: true,
    doNotStoreRoom: true,
    p2p: {
        enabled: true,
        stunServers: [ { urls: 'stun:%(host)s:3478' } ]
    },
    recordingService: { enabled: false },
    liveStreaming: { enabled: false },
    localRecording: { disable: true },
    transcription: { enabled: false },
    analytics: {}
};
"""

EXTERNAL_API_JS = r"""/* Jitsi stand-in: JitsiMeetExternalAPI, enough for embedding tests. */
(function () {
    'use strict';
    var script = document.currentScript;
    var scriptScheme = script && script.src ? new URL(script.src).protocol.replace(':', '') : 'https';
    var nextId = 0;

    function encode(value) {
        return encodeURIComponent(JSON.stringify(value));
    }

    function flatten(prefix, object, out) {
        Object.keys(object || {}).forEach(function (key) {
            var value = object[key];
            var name = prefix + '.' + key;
            if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
                flatten(name, value, out);
            } else {
                out.push(name + '=' + encode(value));
            }
        });
        return out;
    }

    function size(value) {
        return typeof value === 'number' ? value + 'px' : value;
    }

    function JitsiMeetExternalAPI(domain, options) {
        if (!(this instanceof JitsiMeetExternalAPI)) {
            return new JitsiMeetExternalAPI(domain, options);
        }
        options = options || {};
        var id = nextId++;
        var scheme = options.noSSL ? 'http' : scriptScheme;
        var url = scheme + '://' + domain + '/' + encodeURIComponent(options.roomName || '');
        if (options.jwt) {
            url += '?jwt=' + encodeURIComponent(options.jwt);
        }
        var fragment = ['jitsi_meet_external_api_id=' + id];
        flatten('config', options.configOverwrite, fragment);
        flatten('interfaceConfig', options.interfaceConfigOverwrite, fragment);
        flatten('userInfo', options.userInfo, fragment);
        if (options.lang) {
            fragment.push('lang=' + encode(options.lang));
        }
        this._url = url + '#' + fragment.join('&');
        this._listeners = {};
        this._origin = scheme + '://' + domain;
        this.commands = [];

        var frame = document.createElement('iframe');
        frame.id = frame.name = 'jitsiConferenceFrame' + id;
        frame.src = this._url;
        frame.allow = 'camera; microphone; display-capture';
        frame.setAttribute('allowFullScreen', 'true');
        frame.title = options.title || 'Videokonferenz';
        frame.style.border = '0';
        frame.style.width = size(options.width || '100%');
        frame.style.height = size(options.height || 540);
        if (typeof options.onload === 'function') {
            frame.onload = options.onload;
        }
        this._parentNode = options.parentNode || document.body;
        this._frame = this._parentNode.appendChild(frame);

        var api = this;
        this._onMessage = function (event) {
            var data = event.data || {};
            if (event.source !== api._frame.contentWindow || data.jitsiStandIn !== true) {
                return;
            }
            api._emit(data.event, data.payload || {});
        };
        window.addEventListener('message', this._onMessage);
    }

    JitsiMeetExternalAPI.prototype._emit = function (name, payload) {
        (this._listeners[name] || []).slice().forEach(function (listener) {
            listener(payload);
        });
    };
    JitsiMeetExternalAPI.prototype.addListener = function (name, listener) {
        (this._listeners[name] = this._listeners[name] || []).push(listener);
        return this;
    };
    JitsiMeetExternalAPI.prototype.addEventListener = JitsiMeetExternalAPI.prototype.addListener;
    JitsiMeetExternalAPI.prototype.on = JitsiMeetExternalAPI.prototype.addListener;
    JitsiMeetExternalAPI.prototype.addEventListeners = function (listeners) {
        var api = this;
        Object.keys(listeners || {}).forEach(function (name) { api.addListener(name, listeners[name]); });
    };
    JitsiMeetExternalAPI.prototype.removeListener = function (name, listener) {
        this._listeners[name] = (this._listeners[name] || []).filter(function (l) { return l !== listener; });
        return this;
    };
    JitsiMeetExternalAPI.prototype.removeEventListener = JitsiMeetExternalAPI.prototype.removeListener;
    JitsiMeetExternalAPI.prototype.executeCommand = function (name) {
        var args = Array.prototype.slice.call(arguments);
        this.commands.push(args);
        if (this._frame && this._frame.contentWindow) {
            this._frame.contentWindow.postMessage({ jitsiStandInCommand: name, args: args.slice(1) }, this._origin);
        }
        if (name === 'hangup') {
            this._emit('videoConferenceLeft', {});
            this._emit('readyToClose', {});
        }
    };
    JitsiMeetExternalAPI.prototype.executeCommands = function (commands) {
        var api = this;
        Object.keys(commands || {}).forEach(function (name) {
            api.executeCommand.apply(api, [name].concat(commands[name]));
        });
    };
    JitsiMeetExternalAPI.prototype.getIFrame = function () {
        return this._frame;
    };
    JitsiMeetExternalAPI.prototype.dispose = function () {
        window.removeEventListener('message', this._onMessage);
        if (this._frame && this._frame.parentNode) {
            this._frame.parentNode.removeChild(this._frame);
        }
        this._frame = null;
        this._listeners = {};
    };

    window.JitsiMeetExternalAPI = JitsiMeetExternalAPI;
}());
"""

PAGE = """<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body {{ font-family: sans-serif; margin: 2rem; color: #1a1a1a; background: #fff; }}</style>
</head>
<body>
<main>
<h1 id="room-status" {attributes}>{status}</h1>
</main>
{extra}
<script>
if (window.parent !== window) {{
    window.parent.postMessage({{ jitsiStandIn: true, event: {event}, payload: {payload} }}, '*');
}}
</script>
{script}
{client}
</body>
</html>
"""


KNOCKING_JS = """<script>
(function () {
    var room = %(room)s, jwt = %(jwt)s;
    setInterval(function () {
        fetch('/_lobby/status?room=' + encodeURIComponent(room) + '&jwt=' + encodeURIComponent(jwt))
            .then(function (response) { return response.json(); })
            .then(function (answer) { if (answer.admitted) { window.location.reload(); } });
    }, 300);
}());
</script>"""

MODERATOR_LOBBY = """<section aria-labelledby="lobby-heading">
<h2 id="lobby-heading">Warteraum</h2>
<ul id="lobby-list"></ul>
</section>"""

MODERATOR_JS = """<script>
(function () {
    var room = %(room)s, jwt = %(jwt)s, list = document.getElementById('lobby-list');
    function admit(id) {
        fetch('/_lobby/admit', {method: 'POST', body: JSON.stringify({room: room, jwt: jwt, id: id})});
    }
    function show(people) {
        var shown = Array.prototype.map.call(list.querySelectorAll('button'), function (b) {
            return b.dataset.id;
        }).join(',');
        if (shown === people.map(function (p) { return p.id; }).join(',')) { return; }
        list.textContent = '';
        people.forEach(function (person) {
            var item = document.createElement('li'), button = document.createElement('button');
            button.type = 'button';
            button.dataset.id = person.id;
            button.textContent = 'Einlassen: ' + person.name;
            button.addEventListener('click', function () { admit(person.id); });
            item.appendChild(button);
            list.appendChild(item);
        });
    }
    setInterval(function () {
        fetch('/_lobby/knocking?room=' + encodeURIComponent(room) + '&jwt=' + encodeURIComponent(jwt))
            .then(function (response) { return response.json(); })
            .then(show);
    }, 300);
}());
</script>"""

CLIENT = """<script>
(function () {
    var me = %s;
    var jwt = new URLSearchParams(location.search).get('jwt') || '';
    var heading = document.getElementById('room-status');
    var version = -1, location_ = '', known = {};
    function tell(event, payload) {
        window.parent.postMessage({ jitsiStandIn: true, event: event, payload: payload }, '*');
    }
    function query(values) {
        return Object.keys(values).map(function (k) { return k + '=' + encodeURIComponent(values[k]); }).join('&');
    }
    window.addEventListener('message', function (event) {
        var data = event.data || {};
        if (event.source !== window.parent || !data.jitsiStandInCommand) { return; }
        fetch('/_standin/command', { method: 'POST', headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ room: me.room, endpoint: me.id, jwt: jwt, name: data.jitsiStandInCommand, args: data.args || [] }) });
    });
    function enter(target) {
        fetch('/_standin/join?' + query({ room: me.room, endpoint: me.id, breakout: target, jwt: jwt }))
            .then(function (r) { return r.json(); })
            .then(function (answer) {
                heading.textContent = answer.status;
                heading.dataset.breakout = target;
                if (answer.ok) {
                    tell('videoConferenceJoined', { id: me.id, roomName: answer.roomName, displayName: me.name, breakoutRoom: !!target });
                } else {
                    tell('errorOccurred', { name: 'conference.connectionError.notAllowed', message: answer.status, isFatal: true });
                }
            });
    }
    function poll() {
        fetch('/_standin/state?' + query({ room: me.room, endpoint: me.id }))
            .then(function (r) { return r.json(); })
            .then(function (state) {
                if (state.version !== version) {
                    version = state.version;
                    tell('breakoutRoomsUpdated', { rooms: state.rooms });
                    state.endpoints.forEach(function (other) {
                        if (!known[other.id] && other.id !== me.id) { tell('participantJoined', other); }
                        known[other.id] = true;
                    });
                }
                if (state.location !== location_) {
                    location_ = state.location;
                    enter(location_);
                }
            })
            .catch(function () {})
            .then(function () { window.setTimeout(poll, 300); });
    }
    poll();
}());
</script>"""


class JitsiStandIn:
    """A stand-in Jitsi server on 127.0.0.1; usable as a context manager or with ``stop()``."""

    scheme = "http"

    def __init__(
        self,
        app_id: str,
        app_secret: str,
        audience: str = "jitsi",
        config_js: str | None = None,
        health: bool = True,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        lobby: bool = False,
    ):
        self.lobby = lobby
        self._knocking: dict[str, dict[str, str]] = {}  # room -> participant id -> name
        self._admitted: dict[str, set[str]] = {}
        self._occupants: dict[str, dict[str, str]] = {}
        self.app_id = app_id
        self.app_secret = app_secret
        self.audience = audience
        self.health = health
        self.requests: list[str] = []
        self.moves: list[tuple[str, str]] = []
        # main room -> {"id", "version", "breakouts": {id: name}, "participants": {endpoint: {...}}}
        self.conferences: dict[str, dict] = {}
        self.breakout_parents: dict[str, str] = {}  # breakout room id -> main room
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self.host, self.port = self._server.server_address[:2]
        self.config_js = (
            config_js if config_js is not None else DEFAULT_CONFIG_JS % {"host": self.host}
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="jitsi-standin", daemon=True
        )
        self._thread.start()

    @property
    def domain(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.domain}"

    @property
    def health_url(self) -> str:
        return f"{self.base_url}/about/health"

    def settings(self) -> dict[str, object]:
        """The Tandem settings that point at this stand-in."""
        return {
            "TANDEM_VIDEO_JITSI_DOMAIN": self.domain,
            "TANDEM_VIDEO_JITSI_SCHEME": self.scheme,
            "TANDEM_VIDEO_JITSI_APP_ID": self.app_id,
            "TANDEM_VIDEO_JITSI_APP_SECRET": self.app_secret,
            "TANDEM_VIDEO_JITSI_AUDIENCE": self.audience,
            "TANDEM_VIDEO_JITSI_HEALTH_URL": self.health_url,
        }

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> JitsiStandIn:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def serve_forever(self) -> None:
        """Block until interrupted (the server already runs in its thread)."""
        try:
            while self._thread.is_alive():
                self._thread.join(timeout=0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    # --- the lobby ----------------------------------------------------------------------------

    def knocking(self, room: str) -> dict[str, str]:
        """Who waits in the room's lobby (participant id -> display name)."""
        with self._lock:
            return dict(self._knocking.get(room, {}))

    def occupants(self, room: str) -> dict[str, str]:
        """Who has entered the room (participant id -> display name)."""
        with self._lock:
            return dict(self._occupants.get(room, {}))

    def _verify(self, room: str, token: str) -> dict:
        claims = prosody_verify(
            token,
            app_id=self.app_id,
            app_secret=self.app_secret,
            audiences={self.audience},
            room=room,
            domain=self.domain,
            now=int(time.time()),
        )
        return (claims.get("context") or {}).get("user") or {}

    @staticmethod
    def _moderates(user: dict) -> bool:
        return user.get("moderator") in (True, "true") or user.get("affiliation") == "owner"

    def lobby_status(self, room: str, token: str) -> dict:
        user = self._verify(room, token)
        with self._lock:
            return {"admitted": str(user.get("id") or "") in self._admitted.get(room, set())}

    def lobby_list(self, room: str, token: str) -> list[dict[str, str]]:
        if not self._moderates(self._verify(room, token)):
            raise ValueError("only moderators see the lobby")
        return [{"id": key, "name": name} for key, name in self.knocking(room).items()]

    def lobby_admit(self, room: str, token: str, participant: str) -> None:
        if not self._moderates(self._verify(room, token)):
            raise ValueError("only moderators admit")
        with self._lock:
            if self._knocking.get(room, {}).pop(participant, None) is not None:
                self._admitted.setdefault(room, set()).add(participant)

    # --- pages --------------------------------------------------------------------------------

    def room_page(self, room: str, token: str | None) -> str:
        if not token:
            return self._rejected(room, "kein Token")
        try:
            user = self._verify(room, token)
        except ValueError as exc:
            return self._rejected(room, str(exc))
        name = str(user.get("name") or "")
        moderator = user.get("moderator") in (True, "true")
        participant = str(user.get("id") or "")
        if self.lobby and not self._moderates(user) and user.get("lobby_bypass") is not True:
            with self._lock:
                waits = participant not in self._admitted.get(room, set())
                if waits:
                    self._knocking.setdefault(room, {})[participant] = name
            if waits:
                return self._page(
                    f"Jitsi-Stand-in: Warteraum von Raum {room}",
                    f"Warteraum von Raum {room}: {name} wartet auf Einlass",
                    f'data-room="{html.escape(room)}" data-lobby="knocking"',
                    "knockingParticipant",
                    {"roomName": room, "displayName": name},
                    script=KNOCKING_JS % {"room": self._js(room), "jwt": self._js(token)},
                )
        with self._lock:
            self._occupants.setdefault(room, {})[participant] = name
        extra = script = ""
        if self.lobby and self._moderates(user):
            extra = MODERATOR_LOBBY
            script = MODERATOR_JS % {"room": self._js(room), "jwt": self._js(token)}
        status = f"Raum {room} betreten als {name} (Moderator: {'ja' if moderator else 'nein'})"
        attributes = (
            f'data-room="{html.escape(room)}" data-moderator="{"true" if moderator else "false"}" '
            f'data-user-id="{html.escape(str(user.get("id") or ""))}"'
        )
        endpoint = secrets.token_hex(4)
        payload = {
            "roomName": room,
            "displayName": name,
            "id": endpoint,
            "moderator": moderator,
        }
        with self._lock:
            conference = self._conference(room)
            conference["participants"][endpoint] = {
                "name": name,
                "moderator": moderator,
                "location": "",
            }
            conference["version"] += 1
        client = CLIENT % json.dumps({"room": room, "id": endpoint, "name": name}).replace(
            "<", "\\u003c"
        )
        return self._page(
            f"Jitsi-Stand-in: Raum {room}",
            status,
            attributes,
            "videoConferenceJoined",
            payload,
            extra=extra,
            script=script,
            client=client,
        )

    # --- breakout rooms ---------------------------------------------------------------------

    def _conference(self, room: str) -> dict:
        if room not in self.conferences:
            self.conferences[room] = {
                "id": secrets.token_hex(8),
                "version": 0,
                "breakouts": {},
                "participants": {},
            }
        return self.conferences[room]

    def _claims(self, token: str, room: str) -> dict:
        return prosody_verify(
            token,
            app_id=self.app_id,
            app_secret=self.app_secret,
            audiences={self.audience},
            room=room,
            domain=self.domain,
            now=int(time.time()),
        )

    def breakout_state(self, room: str, endpoint: str) -> dict:
        with self._lock:
            conference = self._conference(room)
            people = conference["participants"]

            def members(location: str, jid: str) -> dict:
                return {
                    f"{jid}/{key}": {
                        "jid": f"{jid}/{key}",
                        "id": key,
                        "displayName": person["name"],
                        "role": "moderator" if person["moderator"] else "participant",
                    }
                    for key, person in people.items()
                    if person["location"] == location
                }

            main_jid = f"{room}@conference.{self.host}"
            rooms = {
                conference["id"]: {
                    "id": conference["id"],
                    "jid": main_jid,
                    "name": room,
                    "isMainRoom": True,
                    "participants": members("", main_jid),
                }
            }
            for breakout, name in conference["breakouts"].items():
                jid = f"{breakout}@breakout.{self.host}"
                rooms[breakout] = {
                    "id": breakout,
                    "jid": jid,
                    "name": name,
                    "isMainRoom": False,
                    "participants": members(breakout, jid),
                }
            return {
                "version": conference["version"],
                "location": people.get(endpoint, {}).get("location", ""),
                "rooms": rooms,
                "endpoints": [
                    {"id": key, "displayName": person["name"]} for key, person in people.items()
                ],
            }

    def breakout_command(self, body: dict) -> tuple[int, dict]:
        room = str(body.get("room", "")).lower()
        try:
            claims = self._claims(str(body.get("jwt", "")), room)
        except ValueError as exc:
            return 403, {"error": str(exc)}
        user = (claims.get("context") or {}).get("user") or {}
        if user.get("moderator") not in (True, "true"):
            return 403, {"error": "only moderators manage breakout rooms"}
        name, args = str(body.get("name", "")), list(body.get("args") or [])
        with self._lock:
            conference = self._conference(room)
            people, breakouts = conference["participants"], conference["breakouts"]

            def place(endpoint: str, target: str) -> bool:
                if endpoint not in people:
                    return False
                if target == conference["id"]:
                    target = ""
                if target and target not in breakouts:
                    return False  # not a breakout room of this conference
                people[endpoint]["location"] = target
                self.moves.append((people[endpoint]["name"], breakouts.get(target, "")))
                return True

            if name == "addBreakoutRoom":
                breakout = secrets.token_hex(8)
                breakouts[breakout] = str(args[0] if args else f"Breakout {len(breakouts) + 1}")
                self.breakout_parents[breakout] = room
                done = True
            elif name in ("closeBreakoutRoom", "removeBreakoutRoom") and args:
                target = str(args[0])
                done = target in breakouts
                for endpoint, person in people.items():
                    if done and person["location"] == target:
                        place(endpoint, "")
                if done and name == "removeBreakoutRoom":
                    del breakouts[target]
            elif name == "sendParticipantToRoom" and len(args) >= 2:
                done = place(str(args[0]), str(args[1]))
            elif name == "joinBreakoutRoom" and args:
                done = place(str(body.get("endpoint", "")), str(args[0]))
            else:
                return 200, {"ignored": name}
            if done:
                conference["version"] += 1
        return (
            (200, {"done": True})
            if done
            else (400, {"error": f"{name}: unknown room or participant"})
        )

    def breakout_join(self, room: str, endpoint: str, breakout: str, token: str) -> dict:
        """The participant's client joins the room it was moved to, with its token."""
        person = self.conferences.get(room, {}).get("participants", {}).get(endpoint, {})
        name = person.get("name", "")
        moderator = "ja" if person.get("moderator") else "nein"
        try:
            if breakout:
                prosody_verify_breakout(
                    token,
                    breakout_room=f"{breakout}@breakout.{self.host}",
                    main_rooms=dict(self.breakout_parents),
                    app_id=self.app_id,
                    app_secret=self.app_secret,
                    audiences={self.audience},
                    domain=self.domain,
                    now=int(time.time()),
                )
            else:
                self._claims(token, room)
        except ValueError as exc:
            return {"ok": False, "status": f"Token abgelehnt: {exc}"}
        if breakout:
            title = self.conferences[room]["breakouts"].get(breakout, breakout)
            status = f"Breakout-Raum {title} betreten als {name} (Moderator: {moderator})"
            return {"ok": True, "status": status, "roomName": breakout}
        status = f"Raum {room} betreten als {name} (Moderator: {moderator})"
        return {"ok": True, "status": status, "roomName": room}

    def _rejected(self, room: str, reason: str) -> str:
        payload = {
            "name": "conference.connectionError.notAllowed",
            "message": reason,
            "isFatal": True,
        }
        return self._page(
            "Jitsi-Stand-in: Token abgelehnt",
            f"Token abgelehnt: {reason}",
            f'data-room="{html.escape(room)}" data-error="{html.escape(reason)}"',
            "errorOccurred",
            payload,
        )

    @staticmethod
    def _js(value) -> str:
        return json.dumps(value).replace("<", "\\u003c")

    @staticmethod
    def _page(
        title: str,
        status: str,
        attributes: str,
        event: str,
        payload: dict,
        *,
        extra: str = "",
        script: str = "",
        client: str = "",
    ) -> str:
        js = JitsiStandIn._js
        return PAGE.format(
            title=html.escape(title),
            status=html.escape(status),
            attributes=attributes,
            event=js(event),
            payload=js(payload),
            extra=extra,
            script=script,
            client=client,
        )

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "JitsiStandIn/1"

            def log_message(self, format, *args):
                return  # keep test output clean

            def _send(self, status: int, body: str, content_type: str) -> None:
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def do_HEAD(self):
                self.do_GET()

            def _json(self, status: int, value) -> None:
                self._send(status, json.dumps(value), "application/json")

            def _lobby_admit(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                    standin.lobby_admit(
                        str(body["room"]).lower(), str(body["jwt"]), str(body["id"])
                    )
                except LookupError:
                    self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
                except (ValueError, TypeError) as exc:
                    self._json(HTTPStatus.FORBIDDEN, {"error": str(exc)})
                else:
                    self._json(200, {"admitted": True})

            def do_GET(self):
                parts = urlsplit(self.path)
                path = parts.path
                with standin._lock:
                    standin.requests.append(path)
                if path == "/external_api.js":
                    self._send(200, EXTERNAL_API_JS, "application/javascript")
                elif path == "/config.js":
                    self._send(200, standin.config_js, "application/javascript")
                elif path == "/about/health":
                    if standin.health:
                        self._send(200, "{}", "application/json")
                    else:
                        self._send(500, '{"error": "unhealthy"}', "application/json")
                elif path in ("/_lobby/status", "/_lobby/knocking"):
                    query = parse_qs(parts.query)
                    room = (query.get("room") or [""])[0].lower()
                    token = (query.get("jwt") or [""])[0]
                    try:
                        answer = (
                            standin.lobby_status(room, token)
                            if path.endswith("status")
                            else standin.lobby_list(room, token)
                        )
                    except ValueError as exc:
                        self._json(HTTPStatus.FORBIDDEN, {"error": str(exc)})
                    else:
                        self._json(200, answer)
                elif path == "/":
                    self._send(
                        200,
                        JitsiStandIn._page("Jitsi-Stand-in", "Jitsi-Stand-in", "", "ready", {}),
                        "text/html",
                    )
                elif path == "/_standin/state":
                    query = parse_qs(parts.query)
                    state = standin.breakout_state(
                        (query.get("room") or [""])[0].lower(), (query.get("endpoint") or [""])[0]
                    )
                    self._send(200, json.dumps(state), "application/json")
                elif path == "/_standin/join":
                    query = parse_qs(parts.query)

                    def one(name: str) -> str:
                        return (query.get(name) or [""])[0]

                    answer = standin.breakout_join(
                        one("room").lower(), one("endpoint"), one("breakout"), one("jwt")
                    )
                    self._send(200, json.dumps(answer), "application/json")
                elif path.count("/") == 1 and len(path) > 1 and "." not in path:
                    room = unquote(path[1:]).lower()
                    token = (parse_qs(parts.query).get("jwt") or [None])[0]
                    self._send(200, standin.room_page(room, token), "text/html")
                else:
                    self._send(HTTPStatus.NOT_FOUND, "Not found", "text/plain")

            def do_POST(self):
                parts = urlsplit(self.path)
                with standin._lock:
                    standin.requests.append(parts.path)
                if parts.path == "/_lobby/admit":
                    self._lobby_admit()
                    return
                if parts.path != "/_standin/command":
                    self._send(HTTPStatus.NOT_FOUND, "Not found", "text/plain")
                    return
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    body = {}
                status, answer = standin.breakout_command(body if isinstance(body, dict) else {})
                self._send(status, json.dumps(answer), "application/json")

        return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a stand-in Jitsi Meet server on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--app-id", default="tandem")
    parser.add_argument("--app-secret", default="")
    parser.add_argument("--audience", default="jitsi")
    parser.add_argument(
        "--lobby", action="store_true", help="members without lobby_bypass wait until admitted"
    )
    args = parser.parse_args(argv)
    secret = args.app_secret or secrets.token_urlsafe(32)
    standin = JitsiStandIn(args.app_id, secret, args.audience, port=args.port, lobby=args.lobby)
    print(f"Jitsi stand-in at {standin.base_url} (Ctrl+C stops it). Settings for Tandem:")
    for name, value in standin.settings().items():
        print(f"export {name}={value}")
    print(
        f"Check it: python manage.py jitsi_check --url {standin.base_url} --health-url {standin.health_url}"
    )
    standin.serve_forever()


if __name__ == "__main__":
    main()
