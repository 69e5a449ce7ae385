"""A guest of a counselling room end to end in a real browser: the host's personal link, a name
(nothing else), the notice of what is and is not recorded, the join page with a member token for
this room on the stand-in Jitsi server (lobby on), the lobby until the host, in the room with an
owner token, admits her; after the host revokes the link, the same link is refused."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory
from tests.support.jitsi_standin import JitsiStandIn
from tests.support.prosody import prosody_verify
from video import meetings

from .conftest import screenshot_on_failure
from .test_sessions_journey import check_page, de

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APP_ID, APP_SECRET = "tandem", "s" * 40
TIMEOUT_MS = 30_000


def test_a_guest_enters_a_counselling_room_by_link_and_a_revoked_link_is_refused(
    browser_session, new_session, site_settings, home_page, settings
):
    host = UserFactory(first_name="Paula", last_name="Programmleitung")
    host.user_permissions.add(Permission.objects.get(codename="host_rooms"))
    host = type(host).objects.get(pk=host.pk)
    now = timezone.now()
    room = meetings.room_create(
        host=host,
        kind="counselling",
        title="Online-Sprechstunde",
        dates=[(now - timedelta(minutes=5), now + timedelta(minutes=55))],
    )
    invitation, token = meetings.invitation_create(room=room, by=host, label="K.")
    page = browser_session.page
    with JitsiStandIn(app_id=APP_ID, app_secret=APP_SECRET, lobby=True) as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        # The host opens the room first, as its owner.
        hosting = new_session()
        with screenshot_on_failure(hosting.page, "video-host"):
            hosting.login(host.email, PASSWORD)
            hosting.visit(f"/video/rooms/{room.uuid}/join/")
            hosting.page.get_by_role("button", name=de("Enter room"), exact=True).click()
            host_status = hosting.page.frame_locator("#jitsi-room iframe").locator("#room-status")
            expect(host_status).to_have_text(
                f"Raum {room.room_name} betreten als Paula Programmleitung (Moderator: ja)",
                timeout=TIMEOUT_MS,
            )
            owner = prosody_verify(
                hosting.page.locator("#jitsi-room").get_attribute("data-jwt"),
                app_id=APP_ID,
                app_secret=APP_SECRET,
                audiences={"jitsi"},
                room=room.room_name,
                domain=server.domain,
                now=int(time.time()),
            )
            assert owner["context"]["user"]["affiliation"] == "owner"
        with screenshot_on_failure(page, "video-guest"):
            browser_session.visit(f"/video/invite/{token}/")
            expect(page.locator("h1")).to_have_text(de("Invitation to a video room"))
            expect(page.get_by_text(de("Nothing is recorded:"))).to_be_visible()
            expect(
                page.get_by_text(
                    de(
                        "Stored is only when the meeting took place, who hosted it, and when participants entered and left the room (under a pseudonym, for a limited time)."
                    )
                )
            ).to_be_visible()
            # A display name is all she gives: no e-mail address, no account.
            fields = page.locator("main form input:not([type=hidden]), main form textarea")
            expect(fields).to_have_count(1)
            page.get_by_label(de("Your name as the others will see it")).fill("Kim")
            page.get_by_role("button", name=de("Continue to the room")).click()
            page.wait_for_url(f"**/video/invite/{token}/join/")
            check_page(browser_session)
            expect(
                page.get_by_text(de("You wait in the lobby until the host admits you.")).first
            ).to_be_visible()
            # nothing from the video server in the guest's browser before the click
            assert not [url for url in browser_session.requests if url.startswith(server.base_url)]
            page.get_by_role("button", name=de("Enter room"), exact=True).click()
            status = page.frame_locator("#jitsi-room iframe").locator("#room-status")
            expect(status).to_have_text(
                f"Warteraum von Raum {room.room_name}: Kim wartet auf Einlass", timeout=TIMEOUT_MS
            )
            assert "Kim" not in server.occupants(room.room_name).values()
            hosting.page.frame_locator("#jitsi-room iframe").get_by_role(
                "button", name="Einlassen: Kim"
            ).click()
            expect(status).to_have_text(
                f"Raum {room.room_name} betreten als Kim (Moderator: nein)", timeout=TIMEOUT_MS
            )
            assert "Kim" in server.occupants(room.room_name).values()
            check_page(browser_session, also_allowed=(server.base_url,), wait_for_idle=False)
            jwt = page.locator("#jitsi-room").get_attribute("data-jwt")
            claims = prosody_verify(
                jwt,
                app_id=APP_ID,
                app_secret=APP_SECRET,
                audiences={"jitsi"},
                room=room.room_name,
                domain=server.domain,
                now=int(time.time()),
            )
            assert claims["context"]["user"]["affiliation"] == "member"
            assert "lobby_bypass" not in claims["context"]["user"]

            meetings.invitation_revoke(invitation=invitation, by=host)
            # (the requests to the stand-in server above stay in the log: allowed from here on)
            for path in (f"/video/invite/{token}/", f"/video/invite/{token}/join/"):
                response = page.goto(browser_session.url(path))
                assert response is not None and response.status == 410
                expect(
                    page.get_by_text(de("The host has revoked this invitation."))
                ).to_be_visible()
                check_page(browser_session, also_allowed=(server.base_url,))
