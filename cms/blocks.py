"""StreamField blocks shared by every page type of the site and of the plugins."""

from itertools import groupby

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from .privacy import purposes

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Level 2")), ("h3", _("Level 3")), ("h4", _("Level 4"))],
        default="h2",
        help_text=_("Use level 2 for sections and the lower levels only inside them."),
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "cms/blocks/heading.html"
        description = _(
            "A section heading that structures the page for everyone, screen readers included."
        )
        preview_value = {"text": "Unsere Angebote", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "cms/blocks/paragraph.html"
        description = _("Formatted text with links and lists.")
        preview_value = "<p>Gemeinsam lernen, gemeinsam wachsen.</p>"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=300,
        help_text=_("Describe what the image shows for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=300)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image.html"
        description = _("An image with a required text alternative and an optional caption.")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote.html"
        description = _("A quotation with the name of the person quoted.")
        preview_value = {"text": "Das Mentoring hat mir Mut gemacht.", "attribution": "Eine Mentee"}


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    text = blocks.TextBlock(label=_("Text"), required=False)
    page = blocks.PageChooserBlock(label=_("Link to page"), required=False)
    url = blocks.URLBlock(label=_("or link to address"), required=False)
    button_label = blocks.CharBlock(label=_("Button label"), max_length=80)

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = "cms/blocks/call_to_action.html"
        description = _("A highlighted box with a button that leads to a page or address.")

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise blocks.StructBlockValidationError(
                block_errors={"url": _("Choose either a page or an address, not both.")}
            )
        return value


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=300)
    answer = ParagraphBlock(label=_("Answer"))

    class Meta:
        icon = "help"
        label = _("Question and answer")


class FAQBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=200)
    items = blocks.ListBlock(FAQItemBlock(), label=_("Questions"))

    class Meta:
        icon = "list-ul"
        label = _("FAQ")
        template = "cms/blocks/faq.html"
        description = _("Questions and answers that open and close (accordion).")


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        label=_("Link text"),
        required=False,
        max_length=200,
        help_text=_("Leave empty to use the document's title."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "cms/blocks/document.html"
        description = _("A download link with file type and size.")


class PersonalDataBlock(blocks.StaticBlock):
    """The personal-data inventory as a table: what the site stores, why and how long. Editors place
    it in the privacy notice and write the text around it; it stays true as the software changes."""

    class Meta:
        icon = "table"
        label = _("Table of personal data (generated)")
        template = "cms/blocks/personal_data.html"
        admin_text = _(
            "Shows what the site stores, for which purpose and how long, generated from the software."
        )
        description = _("What the site stores, why and how long – always up to date.")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["groups"] = [
            (kind, list(rows)) for kind, rows in groupby(purposes(), key=lambda row: row[0])
        ]
        return context


class BaseContentBlocks(blocks.StreamBlock):
    """The blocks every content page offers. Plugins extend this stream with their own."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    faq = FAQBlock()
    document = DocumentBlock()
    personal_data = PersonalDataBlock()
