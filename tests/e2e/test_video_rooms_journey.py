"""A guest of a counselling room end to end in a real browser: the host's personal link, a name,
the notice of what is recorded, the join page with a member token for this room on the stand-in
Jitsi server; after the host revokes the link, the same link is refused."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from tests.factories import UserFactory
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
    browser_session, site_settings, home_page, settings
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
    with JitsiStandIn(app_id=APP_ID, app_secret=APP_SECRET) as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        with screenshot_on_failure(page, "video-guest"):
            browser_session.visit(f"/video/invite/{token}/")
            expect(page.locator("h1")).to_have_text(de("Invitation to a video room"))
            expect(page.get_by_text(de("Nothing is recorded:"))).to_be_visible()
            page.get_by_label(de("Your name as the others will see it")).fill("Kim")
            page.get_by_role("button", name=de("Continue to the room")).click()
            page.wait_for_url(f"**/video/invite/{token}/join/")
            check_page(browser_session)
            expect(
                page.get_by_text(de("You wait in the lobby until the host admits you.")).first
            ).to_be_visible()
            assert server.requests == []  # nothing from the video server before the click
            page.get_by_role("button", name=de("Enter room"), exact=True).click()
            status = page.frame_locator("#jitsi-room iframe").locator("#room-status")
            expect(status).to_have_text(
                f"Raum {room.room_name} betreten als Kim (Moderator: nein)", timeout=TIMEOUT_MS
            )
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
