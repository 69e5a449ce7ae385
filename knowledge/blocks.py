"""The blocks of a knowledge article: text, headings that feed the table of contents, callouts,
checklists, tables, documents and references to other pages (courses, learning videos' lessons,
other articles) by a generic page chooser, so the knowledge base never imports another plugin."""

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock

from cms.blocks import DocumentBlock, ImageBlock, ParagraphBlock

ARTICLE_TEXT_FEATURES = [
    "bold",
    "italic",
    "link",
    "document-link",
    "ol",
    "ul",
    "code",
    "blockquote",
]


class ArticleHeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Level 2")), ("h3", _("Level 3")), ("h4", _("Level 4"))],
        default="h2",
        help_text=_("Level 2 and 3 headings appear in the table of contents."),
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "knowledge/blocks/heading.html"
        description = _("A section heading; it is listed in the article's table of contents.")
        preview_value = {"text": "Ablauf", "level": "h2"}


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("info", _("Note")), ("tip", _("Tip")), ("warning", _("Warning"))],
        default="info",
    )
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=120)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "knowledge/blocks/callout.html"
        description = _("A highlighted note, tip or warning.")
        preview_value = {"kind": "warning", "title": "Achtung", "text": "<p>Keine Klarnamen.</p>"}


class ChecklistBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=120)
    items = blocks.ListBlock(blocks.CharBlock(label=_("Item"), max_length=300), label=_("Items"))

    class Meta:
        icon = "tasks"
        label = _("Checklist")
        template = "knowledge/blocks/checklist.html"
        description = _("Steps or points to check, as a list.")
        preview_value = {"title": "Vor dem Termin", "items": ["Raum buchen", "Link senden"]}


class KnowledgeTableBlock(TableBlock):
    class Meta:
        icon = "table"
        label = _("Table")
        template = "knowledge/blocks/table.html"
        description = _("A table with an optional header row.")


class PageReferenceBlock(blocks.StructBlock):
    """A course, a lesson with a learning video, another article: any page, by reference."""

    page = blocks.PageChooserBlock(label=_("Page"))
    text = blocks.CharBlock(
        label=_("Link text"),
        required=False,
        max_length=200,
        help_text=_("Leave empty to use the page's title."),
    )

    class Meta:
        icon = "link"
        label = _("Page reference")
        template = "knowledge/blocks/page_reference.html"
        description = _("A reference to a course, a lesson, a video or another article.")


class ArticleBlocks(blocks.StreamBlock):
    heading = ArticleHeadingBlock()
    paragraph = ParagraphBlock(features=ARTICLE_TEXT_FEATURES)
    callout = CalloutBlock()
    checklist = ChecklistBlock()
    table = KnowledgeTableBlock()
    document = DocumentBlock()
    page_reference = PageReferenceBlock()
    image = ImageBlock(
        help_text=_(
            "Images are never private: anyone with the address of an image can see it, even in a "
            "restricted space. Use a document for confidential pictures."
        )
    )


def heading_anchor(text: str, seen: dict[str, int]) -> str:
    """A stable id for a heading, unique within the article."""
    base = slugify(text) or "abschnitt"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"


def table_of_contents(body) -> list[dict]:
    """The level 2 and 3 headings of an article body with their anchors, in order."""
    seen: dict[str, int] = {}
    entries = []
    for block in body:
        if block.block_type == "heading":
            anchor = heading_anchor(block.value["text"], seen)
            if block.value["level"] in ("h2", "h3"):
                entries.append(
                    {"text": block.value["text"], "level": block.value["level"], "anchor": anchor}
                )
    return entries
