from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.blocks import DocumentBlock, HeadingBlock, ImageBlock, ParagraphBlock

from .embeds import NOT_A_SUPPORTED_VIDEO, parse_external_video


class VideoBlock(blocks.StructBlock):
    video = SnippetChooserBlock("courses.LearningVideo", label=_("Learning video"))
    required = blocks.BooleanBlock(
        label=_("required"),
        required=False,
        default=True,
        help_text=_(
            "The lesson counts as done only after the learner has really watched this video."
        ),
    )

    class Meta:
        icon = "media"
        label = _("Learning video")
        template = "courses/blocks/video.html"
        description = _("A self-hosted video with captions, chapters and transcript.")


class QuizBlock(blocks.StructBlock):
    quiz = SnippetChooserBlock("courses.Quiz", label=_("Quiz"))
    required = blocks.BooleanBlock(
        label=_("required"),
        required=False,
        default=True,
        help_text=_("The lesson counts as done only after the quiz is passed."),
    )

    class Meta:
        icon = "help"
        label = _("Quiz")
        template = "courses/blocks/quiz.html"
        description = _("Questions graded on the server, with feedback.")


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        default="info",
        choices=[("info", _("Note")), ("tip", _("Tip")), ("warning", _("Important"))],
    )
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=200)
    text = ParagraphBlock(label=_("Text"))

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "courses/blocks/callout.html"
        description = _("A highlighted note, tip or warning.")


class ExternalVideoBlock(blocks.StructBlock):
    """YouTube or Vimeo, two-click: nothing is requested from the provider before consent."""

    url = blocks.URLBlock(
        label=_("Address of the video"), help_text=_("A YouTube or Vimeo address.")
    )
    title = blocks.CharBlock(label=_("Title"), max_length=200)

    class Meta:
        icon = "media"
        label = _("External video (two-click)")
        template = "courses/blocks/external_video.html"
        description = _("YouTube or Vimeo, loaded only after the viewer agrees.")

    def clean(self, value):
        value = super().clean(value)
        if parse_external_video(value["url"]) is None:
            raise blocks.StructBlockValidationError(block_errors={"url": NOT_A_SUPPORTED_VIDEO})
        return value


class LessonBlocks(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    quiz = QuizBlock()
    callout = CalloutBlock()
    external_video = ExternalVideoBlock()
