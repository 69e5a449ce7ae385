"""Certificates a site can replace: the PDF through TANDEM_COURSES_CERTIFICATE_RENDERER, the
verification page by template precedence."""

import logging

import pytest
from django.core.checks import run_checks
from django.urls import reverse
from fpdf import FPDF
from rest_framework.test import APIClient

from courses.certificate_checks import certificate_renderer_check
from courses.certificates_pdf import CertificateRenderError, render_certificate

from .test_views import complete

pytestmark = pytest.mark.django_db

SITE_RENDERER = "tests.courses.test_certificate_renderer.site_renderer"
CALLS = []


def site_renderer(*, certificate, verify_url, language):
    """What a site would write: its own layout, made with fpdf2."""
    CALLS.append({"code": certificate.code, "verify_url": verify_url, "language": language})
    pdf = FPDF()
    pdf.set_compression(False)  # keeps the marker readable in the bytes
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text=f"SITE-CERTIFICATE {certificate.code} for {certificate.holder_name}")
    return bytes(pdf.output())


def html_renderer(*, certificate, verify_url, language):
    return b"<html>not a certificate</html>"


def broken_renderer(*, certificate, verify_url, language):
    raise RuntimeError("the site's template server is down")


@pytest.fixture(autouse=True)
def forget_calls():
    CALLS.clear()
    yield
    CALLS.clear()


@pytest.fixture
def certificate(course, video, quiz, learner):
    return complete(learner, course, video, quiz)


def download(client, certificate):
    return client.get(reverse("courses:certificate-pdf", kwargs={"code": certificate.code}))


def test_the_site_renderer_makes_the_downloaded_pdf(client, settings, certificate, learner):
    settings.TANDEM_COURSES_CERTIFICATE_RENDERER = SITE_RENDERER
    client.force_login(learner)
    response = download(client, certificate)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert f"SITE-CERTIFICATE {certificate.code} for Lena Lernende".encode() in response.content
    verify = reverse("courses:certificate-verify", kwargs={"code": certificate.code})
    assert CALLS == [
        {"code": certificate.code, "verify_url": f"http://testserver{verify}", "language": "de"}
    ]
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="Zertifikat-{certificate.code}.pdf"'
    )


def test_the_api_links_to_the_site_renderers_pdf(client, settings, certificate, learner):
    """The API has no download of its own: its pdf_url leads to the same view."""
    settings.TANDEM_COURSES_CERTIFICATE_RENDERER = SITE_RENDERER
    api = APIClient()
    api.force_authenticate(learner)
    [item] = api.get("/api/v1/certificates/").json()["results"]
    client.force_login(learner)
    response = client.get(item["pdf_url"])
    assert response.status_code == 200
    assert f"SITE-CERTIFICATE {certificate.code}".encode() in response.content


def test_the_default_renderer_still_makes_the_standard_certificate(
    client, settings, certificate, learner
):
    assert not hasattr(settings, "TANDEM_COURSES_CERTIFICATE_RENDERER")
    client.force_login(learner)
    response = download(client, certificate)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert f"/Title (Zertifikat {certificate.code})".encode() in response.content
    assert b"SITE-CERTIFICATE" not in response.content and CALLS == []


@pytest.mark.parametrize("renderer", [html_renderer, broken_renderer], ids=["no-pdf", "raises"])
def test_a_renderer_without_a_pdf_gets_an_error_page_not_a_broken_file(
    client, settings, certificate, learner, caplog, renderer
):
    settings.TANDEM_COURSES_CERTIFICATE_RENDERER = (
        f"tests.courses.test_certificate_renderer.{renderer.__name__}"
    )
    client.force_login(learner)
    with caplog.at_level(logging.ERROR, logger="courses.views"):
        response = download(client, certificate)
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Zertifikat nicht verfügbar" in html and certificate.code in html
    assert "not a certificate" not in html
    [record] = [r for r in caplog.records if r.name == "courses.views"]
    assert certificate.code in record.getMessage() and record.exc_info is not None


def test_render_certificate_checks_the_result(settings, certificate):
    settings.TANDEM_COURSES_CERTIFICATE_RENDERER = (
        html_renderer  # a callable works as well as a path
    )
    with pytest.raises(CertificateRenderError, match="returned no PDF"):
        render_certificate(certificate, verify_url="https://example.org/v/", language="de")
    settings.TANDEM_COURSES_CERTIFICATE_RENDERER = SITE_RENDERER
    pdf = render_certificate(certificate, verify_url="https://example.org/v/", language="en")
    assert pdf.startswith(b"%PDF-") and CALLS[-1]["language"] == "en"


@pytest.mark.parametrize(
    "path",
    [
        "tests.courses.no_such_module.render",
        "courses.certificates_pdf.no_such_function",
        "not-a-dotted-path",
        "courses.conf.DEFAULTS",
    ],
)
def test_a_renderer_that_cannot_be_used_is_a_system_check_error(settings, path):
    settings.TANDEM_COURSES_CERTIFICATE_RENDERER = path
    [error] = certificate_renderer_check(None)
    assert error.id == "courses.E002" and "TANDEM_COURSES_CERTIFICATE_RENDERER" in error.msg
    assert "courses.E002" in {
        message.id for message in run_checks()
    }  # registered with the system checks


def test_usable_renderers_pass_the_check(settings):
    assert certificate_renderer_check(None) == []
    settings.TANDEM_COURSES_CERTIFICATE_RENDERER = SITE_RENDERER
    assert certificate_renderer_check(None) == []


def test_a_site_template_replaces_the_verification_page(client, settings, tmp_path, certificate):
    page = tmp_path / "courses" / "certificate_verify.html"
    page.parent.mkdir(parents=True)
    page.write_text("SITE-VERIFY {{ code }} {{ certificate.holder_name }}", encoding="utf-8")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [
        {**engine, "DIRS": [tmp_path, *engine.get("DIRS", [])]},
        *settings.TEMPLATES[1:],
    ]
    response = client.get(reverse("courses:certificate-verify", kwargs={"code": certificate.code}))
    assert response.status_code == 200
    assert response.content.decode().strip() == f"SITE-VERIFY {certificate.code} Lena Lernende"
