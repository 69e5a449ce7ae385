"""Files of a space: documents keep the space's restriction and are always served by Django (never
a redirect to the storage's public address); the editor says that images are not private."""

from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.documents import get_document_model

from tests.factories import UserFactory

from .conftest import publish_article

NGINX = Path(__file__).resolve().parents[2] / "ops" / "nginx" / "tandem.conf"


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_space_document_is_served_by_django_to_members_only(space_a):
    space, people = space_a
    document = get_document_model().objects.create(
        title="Einwilligung",
        collection=space.collection,
        file=ContentFile(b"%PDF-1.4 einwilligung", name="einwilligung.pdf"),
    )
    # Never a redirect to the file's storage address (an S3 bucket would be public).
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    reader = Client()
    reader.force_login(people.reader)
    response = reader.get(document.url)
    assert response.status_code == 200 and _body(response) == b"%PDF-1.4 einwilligung"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    outsider = Client()
    outsider.force_login(UserFactory())
    refused = outsider.get(document.url)
    assert refused.status_code == 403 and b"%PDF-1.4 einwilligung" not in _body(refused)
    anonymous = Client().get(document.url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_the_web_server_never_serves_documents_from_the_media_bucket():
    """Documents live in the default storage; the site's nginx refuses their storage paths, so
    the only way to a document is Django's view with its access check."""
    conf = NGINX.read_text(encoding="utf-8")
    assert "location /media/documents/" in conf
    block = conf.split("location /media/documents/", 1)[1].split("}", 1)[0]
    assert "return 404" in block


def test_the_editor_warns_that_images_are_not_private(space_a):
    space, people = space_a
    article = publish_article(space, title="Fotos vom Fachtag")
    editor = Client()
    editor.force_login(people.editor)
    with translation.override("de"):
        page = editor.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    assert page.status_code == 200
    assert "Bilder sind öffentlich" in page.text
    assert "Dokumente behalten den Schutz des Bereichs" in page.text
