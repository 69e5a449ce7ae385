"""Video providers: a registry, so a site adds a video service without forking Tandem.

The room kind that owns a room (:mod:`video.rooms`; e.g. mentoring's sessions: their two members
only, from ten minutes before the start until fifteen minutes after the end) decides *who* may
enter and *when*, as a seat; :func:`video.join.join_info` asks the provider. A provider decides *how*: the
room path and token of one participant, the client script the browser loads after the click on
"Enter room", the origins the join page may contact (its Content-Security-Policy and
Permissions-Policy) and the template of the client part.

Jitsi Meet (``"jitsi"``, :class:`JitsiProvider`) is built in and the default. A site adds a
provider with the Wagtail hook ``register_tandem_video_provider``: the hook function returns a
:class:`VideoProvider` subclass or instance (or a list of them). A provider registered under
the name of the built-in one replaces it. The setting ``TANDEM_VIDEO_PROVIDER`` names
the provider in use; the system check ``video.E002`` reports a name nobody registered.
docs/video-providers.md has an example.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from wagtail import hooks

from . import conf
from .jitsi import configured_server, is_public_test_server, room_token

HOOK = "register_tandem_video_provider"
DEFAULT_PROVIDER = "jitsi"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")


@dataclass(frozen=True)
class VideoHost:
    """Where a provider's rooms are: the same for every session, shown before a room opens too."""

    domain: str = ""  # host name shown to people ("the video runs on …")
    base_url: str = ""  # scheme://host[:port][/path] of the service
    script_url: str = ""  # the client script the join page loads after the click; "" for none
    public_server: bool = False  # a server anyone may use: the join page warns


@dataclass(frozen=True)
class Participant:
    """One participant of a meeting, as a provider sees them."""

    id: str  # pseudonymous and stable within the room; never the e-mail address
    name: str  # display name
    role: str  # the room kind's word: "mentor", "mentee", "host", "guest", ...
    moderator: bool  # owner affiliation: moderates, admits from the lobby
    user: Any = None  # the account, for providers that need more (guests have none)
    lobby_bypass: bool = False  # enters without waiting in the lobby

    @property
    def affiliation(self) -> str:
        return "owner" if self.moderator else "member"


@dataclass(frozen=True)
class RoomAccess:
    """One participant's way into one open room."""

    room: str  # the room path on the provider's server
    token: str = ""  # credential that admits this participant to this room only
    client: Mapping[str, str] = field(
        default_factory=dict
    )  # further values for the client template


class VideoProvider:
    """A video service. Subclass it, give it a ``name`` and implement :meth:`is_configured`,
    :meth:`host` and :meth:`join`; ``template`` renders the client part of the join page."""

    name: ClassVar[str] = ""  # lower-case letters, digits, "-" and "_"; the setting's value
    label: ClassVar[str] = ""  # the service's name for administrators, e.g. "Jitsi Meet"
    # The client part of the join page, rendered only while the room is open, with ``info`` (a
    # video.join.JoinInfo), ``user``, ``who_may_enter`` and ``LANGUAGE_CODE``: a template name (a compiled
    # template works too). Load scripts from the provider only after a click.
    template: ClassVar[Any] = ""

    def is_configured(self) -> bool:
        raise NotImplementedError

    def host(self) -> VideoHost:
        return VideoHost()

    def origins(self) -> tuple[str, ...]:
        """``scheme://host[:port]`` the join page's browser may load scripts and frames from, and
        grant camera, microphone and screen sharing to. By default the origin of ``host().base_url``."""
        base = self.host().base_url
        return (base,) if base else ()

    def join(self, *, session, participant: Participant, now: datetime) -> RoomAccess:
        """The room for ``participant``; called only for someone with a seat, inside its window,
        when the provider is configured. ``session`` is a :class:`video.join.Meeting`:
        ``room_name``, ``start``, ``end`` and the seat's window ``opens``–``closes``."""
        raise NotImplementedError

    def setup_hint(self) -> str:
        """For administrators, on the join page when the provider is not configured (translated)."""
        return ""

    def checks(self) -> list:
        """Further system-check messages in production (``django.core.checks`` messages)."""
        return []

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


class JitsiProvider(VideoProvider):
    """The organisation's own Jitsi Meet server (or JaaS), see :mod:`video.jitsi`."""

    name = "jitsi"
    label = "Jitsi Meet"
    template = "video/jitsi.html"

    def server(self):
        return configured_server()

    def is_configured(self) -> bool:
        return self.server().configured

    def host(self) -> VideoHost:
        server = self.server()
        if not server.domain:
            return VideoHost()
        base_url = server.base_url
        script_url = (
            f"{base_url}/{server.app_id}/external_api.js"
            if server.jaas
            else f"{base_url}/external_api.js"
        )
        return VideoHost(
            domain=server.domain,
            base_url=base_url,
            script_url=script_url,
            public_server=is_public_test_server(server.domain) and not server.jaas,
        )

    def join(self, *, session, participant: Participant, now: datetime) -> RoomAccess:
        server = self.server()
        token = room_token(
            server=server,
            room=session.room_name,
            user_id=participant.id,
            display_name=participant.name,
            moderator=participant.moderator,
            start=session.start,
            end=session.end,
            now=now,
            window=(session.opens, session.closes) if hasattr(session, "opens") else None,
            lobby_bypass=participant.lobby_bypass,
        )
        return RoomAccess(room=server.room_path(session.room_name), token=token)

    def setup_hint(self) -> str:
        return _(
            "For the site's administrators: set the environment variables JITSI_DOMAIN, JITSI_APP_ID and "
            "JITSI_APP_SECRET (the settings TANDEM_VIDEO_JITSI_DOMAIN, _APP_ID and _APP_SECRET; see "
            "docs/jitsi.md), restart the site and check the server with “python manage.py jitsi_check”."
        )


# --- The registry -------------------------------------------------------------------------------


class VideoProviderError(ImproperlyConfigured):
    """A hook registered something that is no video provider, or the setting names none."""


class UnknownVideoProvider(VideoProviderError):
    def __init__(self, name: str, registered: list[str]):
        self.name, self.registered = name, registered
        super().__init__(
            f"No video provider is registered under the name {name!r} "
            f"(TANDEM_VIDEO_PROVIDER); registered: {', '.join(registered)}."
        )


def _providers_from(result) -> list[VideoProvider]:
    items = result if isinstance(result, list | tuple) else [result]
    found = []
    for item in items:
        provider = item() if isinstance(item, type) and issubclass(item, VideoProvider) else item
        if not isinstance(provider, VideoProvider):
            raise VideoProviderError(
                f"The hook {HOOK!r} returned {item!r}; it must return a VideoProvider "
                "subclass or instance (video.providers), or a list of them."
            )
        if not _NAME.match(provider.name or ""):
            raise VideoProviderError(
                f"The video provider {provider!r} needs a name of lower-case letters, "
                "digits, '-' and '_' (at most 50)."
            )
        found.append(provider)
    return found


def registered_providers() -> dict[str, VideoProvider]:
    """Every provider by name: the built-in Jitsi, then those of the hooks in hook order (a later
    registration of a name replaces an earlier one)."""
    providers: dict[str, VideoProvider] = {JitsiProvider.name: JitsiProvider()}
    for hook in hooks.get_hooks(HOOK):
        for provider in _providers_from(hook()):
            providers[provider.name] = provider
    return providers


def chosen_name() -> str:
    return str(conf.get("PROVIDER") or "").strip()


def get_video_provider(name: str | None = None) -> VideoProvider:
    """The provider named ``name``, by default the one the setting chooses; raises
    :class:`UnknownVideoProvider` for a name nobody registered."""
    name = chosen_name() if name is None else name
    providers = registered_providers()
    if name not in providers:
        raise UnknownVideoProvider(name, sorted(providers))
    return providers[name]


def problem_for_administrators(error: VideoProviderError) -> str:
    """What the join page tells administrators when no provider can be used (translated)."""
    if isinstance(error, UnknownVideoProvider):
        return _(
            "For the site's administrators: the setting TANDEM_VIDEO_PROVIDER names the video "
            "provider “%(name)s”, which is not registered. Registered video providers: %(registered)s. "
            "See docs/video-providers.md and check the site with “python manage.py check”."
        ) % {"name": error.name, "registered": ", ".join(error.registered)}
    return _(
        "For the site's administrators: a video provider cannot be loaded. Check the site with "
        "“python manage.py check” (see docs/video-providers.md)."
    )


def display_name(user) -> str:
    return user.get_full_name() or user.email.split("@")[0]
