import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from ..storage import get_private_storage


def video_upload_to(instance, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"videos/{uuid.uuid4().hex}.{extension}"


class LearningVideo(index.Indexed, ClusterableModel):
    """A self-hosted learning video with captions, chapters and a transcript."""

    class MimeType(models.TextChoices):
        MP4 = "video/mp4", "MP4"
        WEBM = "video/webm", "WebM"

    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(
        _("video file"),
        upload_to=video_upload_to,
        storage=get_private_storage,
        help_text=_("MP4 or WebM."),
    )
    mime_type = models.CharField(
        _("file type"), max_length=20, choices=MimeType.choices, editable=False
    )
    file_size = models.PositiveBigIntegerField(_("file size"), default=0, editable=False)
    duration_seconds = models.FloatField(
        _("duration in seconds"),
        help_text=_("Length of the video; used to count how much was watched."),
    )
    poster = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("poster image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    transcript = models.TextField(
        _("transcript"),
        blank=True,
        help_text=_(
            "Everything that is said and shown, as text. Shown below the player and searchable."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    search_fields = [
        index.SearchField("title", boost=2),
        index.SearchField("description"),
        index.SearchField("transcript"),
        index.AutocompleteField("title"),
    ]

    class Meta:
        ordering = ["title"]
        verbose_name = _("learning video")
        verbose_name_plural = _("learning videos")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_seconds__gt=0), name="video_duration_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_captions(self) -> bool:
        return any(
            track.kind in {CaptionTrack.Kind.SUBTITLES, CaptionTrack.Kind.CAPTIONS}
            for track in self.caption_tracks.all()
        )


class CaptionTrack(Orderable):
    """One WebVTT track of a video: per language and kind. SRT uploads are converted."""

    class Kind(models.TextChoices):
        CAPTIONS = "captions", _("captions (speech and sounds)")
        SUBTITLES = "subtitles", _("subtitles (speech)")
        DESCRIPTIONS = "descriptions", _("audio descriptions")
        CHAPTERS = "chapters", _("chapters")

    video = ParentalKey(LearningVideo, related_name="caption_tracks", on_delete=models.CASCADE)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="de"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CAPTIONS)
    label = models.CharField(
        _("label"),
        max_length=100,
        blank=True,
        help_text=_("Shown in the player's menu; leave empty for the language name."),
    )
    webvtt = models.TextField(
        _("WebVTT"), blank=True, help_text=_("Paste WebVTT or SRT text, or upload a file below.")
    )
    source_file = models.FileField(
        _("or upload a file"),
        upload_to="captions/",
        storage=get_private_storage,
        blank=True,
        help_text=_("WebVTT (.vtt) or SRT (.srt); SRT is converted."),
    )

    panels = [
        FieldPanel("language"),
        FieldPanel("kind"),
        FieldPanel("label"),
        FieldPanel("webvtt"),
        FieldPanel("source_file"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("caption track")
        verbose_name_plural = _("caption tracks")
        constraints = [
            models.UniqueConstraint(
                fields=["video", "language", "kind"], name="caption_track_unique_language_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.video_id} {self.language} {self.kind}"
