import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from cms.blocks import BaseContentBlocks, CallToActionBlock, ImageBlock
from cms.models import ContentPage, HomePage, NavigationItem

pytestmark = pytest.mark.django_db


def test_page_tree_rules():
    assert HomePage.can_exist_under(HomePage.base_page_model.get_first_root_node())
    assert ContentPage in HomePage.allowed_subpage_models()
    assert ContentPage in ContentPage.allowed_subpage_models()
    assert HomePage not in ContentPage.allowed_subpage_models()


def test_home_and_content_page_render(client, site_settings, content_page):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Willkommen</h1>" in html
    assert 'aria-label="Hauptnavigation"' in html and ">Über uns</a>" in html
    assert "kontakt@testverband.example" in html
    response = client.get(content_page.url)
    assert response.status_code == 200
    assert 'aria-label="Brotkrümelnavigation"' in response.content.decode()


def test_every_block_renders(client, home_page):
    image = Image.objects.create(title="Team", file=get_test_image_file())
    document = Document.objects.create(
        title="Leitfaden", file=ContentFile(b"%PDF-1.4 test", name="leitfaden.pdf")
    )
    home_page.body = [
        ("heading", {"text": "Abschnitt", "level": "h3"}),
        ("paragraph", "<p>Ein <b>fetter</b> Text.</p>"),
        ("image", {"image": image, "alt_text": "Das Team bei der Arbeit", "caption": "Unser Team"}),
        ("quote", {"text": "Mut lohnt sich.", "attribution": "Eine Mentee"}),
        (
            "call_to_action",
            {
                "title": "Mitmachen",
                "text": "",
                "page": home_page,
                "url": "",
                "button_label": "Los geht's",
            },
        ),
        (
            "faq",
            {
                "title": "Fragen",
                "items": [{"question": "Was kostet es?", "answer": "<p>Nichts.</p>"}],
            },
        ),
        ("document", {"document": document, "title": ""}),
    ]
    home_page.save_revision().publish()
    html = client.get("/").content.decode()
    assert "<h3>Abschnitt</h3>" in html
    assert "<b>fetter</b>" in html
    assert 'alt="Das Team bei der Arbeit"' in html and "<figcaption>Unser Team</figcaption>" in html
    assert "<blockquote><p>Mut lohnt sich.</p></blockquote>" in html
    assert 'class="button" href="/"' in html
    assert "<summary>Was kostet es?</summary>" in html
    assert "Herunterladen: Leitfaden" in html and "(PDF" in html


def test_image_block_requires_alt_text():
    image_block = ImageBlock()
    with pytest.raises(StructBlockValidationError) as error:
        image_block.clean(image_block.to_python({"image": None, "alt_text": "", "caption": ""}))
    assert "alt_text" in error.value.block_errors


def test_call_to_action_needs_exactly_one_target(home_page):
    block = CallToActionBlock()
    value = block.to_python(
        {"title": "T", "text": "", "page": None, "url": "", "button_label": "B"}
    )
    with pytest.raises(StructBlockValidationError):
        block.clean(value)
    both = block.to_python(
        {
            "title": "T",
            "text": "",
            "page": home_page.pk,
            "url": "https://example.org",
            "button_label": "B",
        }
    )
    with pytest.raises(StructBlockValidationError):
        block.clean(both)
    ok = block.to_python(
        {"title": "T", "text": "", "page": None, "url": "https://example.org", "button_label": "B"}
    )
    assert block.clean(ok)["url"] == "https://example.org"


def test_stream_rejects_unknown_blocks():
    with pytest.raises((StreamBlockValidationError, ValidationError, KeyError, TypeError)):
        BaseContentBlocks().clean(BaseContentBlocks().to_python([{"type": "script", "value": "x"}]))


def test_navigation_follows_editor_order_and_external_links(client, site_settings, content_page):
    NavigationItem.objects.create(
        settings=site_settings, url="https://verband.example/", label="Verband", sort_order=0
    )
    html = client.get("/").content.decode()
    nav = html.split('aria-label="Hauptnavigation"')[1].split("</nav>")[0]
    assert nav.index("Verband") < nav.index("Über uns")


def test_navigation_item_needs_page_xor_url(site_settings, content_page):
    item = NavigationItem(settings=site_settings, page=content_page, url="https://x.example/")
    with pytest.raises(ValidationError):
        item.clean()
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        NavigationItem.objects.create(settings=site_settings, label="Leer", url="")


def test_search_finds_live_pages_only(client, site_settings, content_page):
    draft = ContentPage(
        title="Geheimer Entwurf", slug="entwurf", intro="Noch nicht fertig", live=False
    )
    content_page.get_parent().add_child(instance=draft)
    response = client.get("/search/", {"q": "Über uns"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{content_page.url}"' in html
    assert "Ergebnis" in html
    assert "Geheimer Entwurf" not in client.get("/search/", {"q": "Entwurf"}).content.decode()


def test_search_without_results_and_bad_page_number(client, site_settings):
    response = client.get("/search/", {"q": "Quantenchromodynamik", "page": "abc"})
    assert response.status_code == 200
    assert "0 Ergebnisse" in response.content.decode()


@pytest.mark.parametrize("menu_entries", [0, 10])
def test_page_query_counts_are_fixed(
    client, site_settings, content_page, django_assert_num_queries, menu_entries
):
    """Site, page, restrictions, settings and the whole menu: the same number of queries
    however long the menu is. The site with its home page, the settings with the menu and the
    view restrictions come from the shared cache (cms.site_cache) after the first request; a
    page below the home page is routed in two queries (cms.routing)."""
    for number in range(menu_entries):
        extra = ContentPage(title=f"Seite {number}", slug=f"seite-{number}")
        content_page.add_child(instance=extra)
        NavigationItem.objects.create(settings=site_settings, page=extra, sort_order=10 + number)
    client.get("/")  # fills the shared cache (and Wagtail's site root paths)
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200
    with django_assert_num_queries(2):  # the path's pages, the page found in its specific form
        assert client.get(content_page.url).status_code == 200
