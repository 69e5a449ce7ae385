"""The knowledge base end to end in a real browser (German): the Wiki-Team's manager, without
superuser rights, makes a colleague an editor of her space from its management page (by keyboard,
on a phone); the colleague edits an article in the Wagtail admin and submits it for approval; an
approver approves it; a reader confirms the mandatory article in its new version; a person
outside the space finds nothing of it in the site search."""

import re

import pytest
from django.contrib.auth.models import Group

from knowledge import services
from knowledge.models import KnowledgeArticlePage, ReadConfirmation, SpaceRole, Visibility
from tests.factories import PASSWORD, UserFactory

from .conftest import BrowserSession, screenshot_on_failure
from .test_sessions_journey import de

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
TIMEOUT_MS = 30_000
SECRET = "Aufbewahrungsfristen"


@pytest.fixture
def german(browser, live_server):
    """People with a German browser, each in a context of their own."""
    contexts = []

    def open_session(**options) -> BrowserSession:
        context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        return BrowserSession(page, live_server.url)

    yield open_session
    for context in contexts:
        context.close()


def assert_no_sideways_scroll(session: BrowserSession) -> None:
    width = session.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{session.page.url} scrolls sideways: {width}"


def wait_and_check(session: BrowserSession, path_pattern: str) -> None:
    session.page.wait_for_url(re.compile(path_pattern))
    session.check_page()


def test_wiki_team_delegates_editing_approval_and_reading(german, site_settings, home_page):
    manager = UserFactory(first_name="Mia", last_name="Wiki-Team")
    colleague = UserFactory(first_name="Emil", last_name="Engel")
    approver = UserFactory(first_name="Anja", last_name="Amsel")
    reader = UserFactory(first_name="Rita", last_name="Rabe")
    outsider = UserFactory(first_name="Otto", last_name="Außen")
    assert not any(person.is_superuser or person.is_staff for person in (manager, colleague))
    space = services.space_create(
        parent=home_page,
        title="Datenschutz",
        slug="datenschutz",
        visibility=Visibility.GROUPS,
        requires_approval=True,
        managers=[manager],
    )
    space.group_for(SpaceRole.APPROVER).user_set.add(approver)
    space.group_for(SpaceRole.READER).user_set.add(reader)
    readers = Group.objects.get(pk=space.readers_group_id)
    article = KnowledgeArticlePage(title="Datenschutzleitlinie", summary=f"{SECRET} und Löschung")
    space.add_child(instance=article)
    article.mandatory_for.set([readers])
    article.save_revision(user=manager).publish(user=manager)
    article = KnowledgeArticlePage.objects.get(pk=article.pk)
    first_version = article.reading_version
    assert first_version == 1
    manage_path = f"/knowledge/spaces/{space.pk}/manage/"

    # --- The Wiki-Team's manager, on a phone, by keyboard ---------------------------------------
    mia = german(viewport=PHONE, is_mobile=True, has_touch=True)
    mia.login(manager.email, PASSWORD)
    page = mia.page
    with screenshot_on_failure(page, "knowledge-manage"):
        mia.visit(manage_path)
        assert_no_sideways_scroll(mia)
        expect(page.locator("h1")).to_have_text(de("Manage %(title)s") % {"title": "Datenschutz"})
        search = page.get_by_label(de("Find a person by name or e-mail address to add them"))
        search.focus()
        page.keyboard.type("Engel")
        page.keyboard.press("Enter")
        wait_and_check(mia, r"\?q=Engel")
        assert_no_sideways_scroll(mia)
        role = page.get_by_label(de("Role for %(name)s") % {"name": "Emil Engel"})
        role.select_option(label=de("Editors"))
        role.focus()
        page.keyboard.press("Tab")  # to "Hinzufügen"
        expect(page.locator(":focus")).to_have_text(de("Add"))
        page.keyboard.press("Enter")
        wait_and_check(mia, re.escape(manage_path) + "$")
        expect(page.locator("main .messages, .messages").first).to_contain_text("Emil Engel")
        assert_no_sideways_scroll(mia)
    assert space.group_for(SpaceRole.EDITOR).user_set.filter(pk=colleague.pk).exists()

    # --- The colleague edits the article and submits it ----------------------------------------
    emil = german()
    emil.login(colleague.email, PASSWORD)
    page = emil.page
    with screenshot_on_failure(page, "knowledge-edit"):
        emil.visit(f"/admin/pages/{article.pk}/edit/")
        page.get_by_role("textbox", name=re.compile(de("summary"), re.I)).fill(
            f"{SECRET}, Löschung und Auskunft"
        )
        page.locator("footer [data-w-dropdown-target=toggle]").first.click()
        expect(page.locator("button[name=action-publish]")).to_have_count(0)
        page.locator("button[name=action-submit]").click()
        page.wait_for_load_state("networkidle")
        emil.check_page()
    article = KnowledgeArticlePage.objects.get(pk=article.pk)
    state = article.current_workflow_state
    assert state is not None and state.requested_by_id == colleague.pk
    assert article.summary == f"{SECRET} und Löschung"  # not yet live

    # --- The approver approves -----------------------------------------------------------------
    anja = german()
    anja.login(approver.email, PASSWORD)
    page = anja.page
    with screenshot_on_failure(page, "knowledge-approve"):
        anja.visit(f"/admin/pages/{article.pk}/edit/")
        page.locator("footer [data-w-dropdown-target=toggle]").first.click()
        page.locator("button[data-workflow-action-name=approve]").first.click()
        page.wait_for_load_state("networkidle")
        anja.check_page()
    article = KnowledgeArticlePage.objects.get(pk=article.pk)
    assert article.summary == f"{SECRET}, Löschung und Auskunft"
    assert article.reading_version == first_version + 1  # substantial: read again

    # --- The reader confirms the mandatory article ---------------------------------------------
    rita = german()
    rita.login(reader.email, PASSWORD)
    page = rita.page
    with screenshot_on_failure(page, "knowledge-confirm"):
        rita.visit(article.url)
        expect(page.get_by_role("heading", name=de("Mandatory reading"))).to_be_visible()
        page.get_by_role("button", name=de("Read and understood")).click()
        wait_and_check(rita, re.escape(article.url) + "$")
        expect(
            page.get_by_text(de("You have confirmed that you read and understood this version."))
        ).to_be_visible()
    assert ReadConfirmation.objects.filter(
        article=article, user=reader, version=article.reading_version
    ).exists()

    # --- Someone outside the space finds nothing of it -----------------------------------------
    otto = german()
    otto.login(outsider.email, PASSWORD)
    page = otto.page
    with screenshot_on_failure(page, "knowledge-outsider"):
        otto.visit(f"/search/?q={SECRET}")
        main = page.locator("main")
        expect(main).not_to_contain_text("Datenschutzleitlinie")
        expect(main).not_to_contain_text(SECRET + ",")
        # The article's address: no redirect loop through the login, a clear "not for you".
        otto.visit(article.url, expect_status=403)
        expect(page.locator("h1")).to_have_text(de("Access denied"))
        expect(page.locator("main")).not_to_contain_text("Datenschutzleitlinie")
