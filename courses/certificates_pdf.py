"""Certificate PDFs, generated in Python (fpdf2): no system libraries needed.

Text uses a Unicode TrueType font when one is available (setting
TANDEM_COURSES_CERTIFICATE_FONT, else DejaVu Sans from the usual system places); without one
the PDF's built-in Helvetica is used and characters outside Latin-1 are transliterated.

A site replaces the whole certificate with the setting TANDEM_COURSES_CERTIFICATE_RENDERER: the
dotted path of a function called with the keyword arguments ``certificate``, ``verify_url`` and
``language`` that returns the PDF as bytes. Callers use :func:`render_certificate`, which calls
the configured function and checks that it really returned a PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from anyascii import anyascii
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from fpdf import FPDF

from . import conf
from .models import Certificate
from .selectors import organisation_name

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
]


def _unicode_font() -> Path | None:
    configured = getattr(settings, "TANDEM_COURSES_CERTIFICATE_FONT", None)
    for candidate in ([configured] if configured else []) + FONT_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


class _CertificatePDF(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.set_auto_page_break(False)
        font = _unicode_font()
        if font is not None:
            self.add_font("Body", "", str(font))
            bold = font.with_name(font.stem + "-Bold" + font.suffix)
            self.add_font("Body", "B", str(bold if bold.is_file() else font))
            self.body_family = "Body"
            self.has_unicode_font = True
        else:
            self.body_family = "Helvetica"
            self.has_unicode_font = False

    def safe(self, value: str) -> str:
        if self.has_unicode_font:
            return value
        return "".join(ch if ord(ch) < 256 else anyascii(ch) for ch in value)

    def line_centered(self, value: str, *, size: int, style: str = "", gap: float = 4) -> None:
        self.set_font(self.body_family, style, size)
        self.multi_cell(0, size * 0.5, self.safe(value), align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)


def certificate_pdf(certificate: Certificate, *, verify_url: str, language: str = "de") -> bytes:
    with translation.override(language):
        pdf = _CertificatePDF()
        pdf.set_title(pdf.safe(_("Certificate") + f" {certificate.code}"))
        issuer = organisation_name()
        pdf.set_author(pdf.safe(issuer))
        pdf.add_page()
        pdf.set_draw_color(11, 85, 99)
        pdf.set_line_width(1.2)
        pdf.rect(10, 10, 277, 190)
        pdf.set_text_color(29, 35, 39)
        pdf.set_y(28)
        pdf.line_centered(issuer, size=14)
        pdf.line_centered(_("Certificate of completion"), size=32, style="B", gap=10)
        pdf.line_centered(_("This certifies that"), size=14)
        pdf.line_centered(certificate.holder_name, size=26, style="B", gap=6)
        pdf.line_centered(_("has successfully completed the course"), size=14)
        pdf.line_centered(certificate.course_title, size=20, style="B", gap=6)
        hours = formats.number_format(certificate.hours, decimal_pos=1)
        issued = formats.date_format(timezone.localtime(certificate.issued_at), "DATE_FORMAT")
        pdf.line_centered(
            _("Scope: %(hours)s hours · Completed on %(date)s") % {"hours": hours, "date": issued},
            size=13,
        )
        if certificate.live_hours:
            pdf.line_centered(
                _("Including %(hours)s hours in live online sessions")
                % {"hours": formats.number_format(certificate.live_hours, decimal_pos=1)},
                size=13,
            )
        if certificate.trainer_names:
            pdf.line_centered(
                _("Trainers: %(names)s") % {"names": certificate.trainer_names}, size=13
            )
        pdf.set_y(172)
        pdf.line_centered(
            _("Verification code: %(code)s") % {"code": certificate.code}, size=12, style="B", gap=2
        )
        pdf.line_centered(_("Check it at %(url)s") % {"url": verify_url}, size=10, gap=2)
        pdf.line_centered(_("Issued by %(issuer)s") % {"issuer": issuer}, size=10)
        return bytes(pdf.output())


# --- Replaceable renderer --------------------------------------------------------------------

PDF_SIGNATURE = b"%PDF-"

CertificateRenderer = Callable[..., bytes]


class CertificateRenderError(Exception):
    """The configured renderer returned something that is not a PDF."""


def get_certificate_renderer() -> CertificateRenderer:
    """The function named by TANDEM_COURSES_CERTIFICATE_RENDERER (a callable is taken as is)."""
    renderer = conf.get("CERTIFICATE_RENDERER")
    if isinstance(renderer, str):
        renderer = import_string(renderer)
    if not callable(renderer):
        raise TypeError(f"TANDEM_COURSES_CERTIFICATE_RENDERER is not callable: {renderer!r}")
    return renderer


def render_certificate(certificate: Certificate, *, verify_url: str, language: str) -> bytes:
    """The certificate's PDF, made by the configured renderer.

    Raises :class:`CertificateRenderError` when the renderer returns anything but PDF bytes, so
    that nobody is sent a broken file."""
    renderer = get_certificate_renderer()
    result = renderer(certificate=certificate, verify_url=verify_url, language=language)
    if isinstance(result, bytearray | memoryview):
        result = bytes(result)
    if not isinstance(result, bytes) or not result.startswith(PDF_SIGNATURE):
        start = result[:20] if isinstance(result, bytes) else type(result).__name__
        raise CertificateRenderError(
            f"certificate renderer {getattr(renderer, '__qualname__', renderer)!r} returned no PDF "
            f"for certificate {certificate.code} (starts with {start!r})"
        )
    return result
