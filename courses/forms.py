"""Admin forms: uploads are checked by content, caption files validated and converted."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm

from . import conf
from .captions import CaptionError, parse_captions, to_webvtt, validate_against_duration

NOT_A_VIDEO = _("This file is not an MP4 or WebM video.")
VIDEO_TOO_LARGE = _("The video is larger than %(limit)s MB.")
CAPTION_NEEDED = _("Paste the captions or upload a WebVTT or SRT file.")


def sniff_video(head: bytes) -> str | None:
    """MIME type from the file's first bytes, never from its name."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "video/mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in head[:64]:
        return "video/webm"
    return None


class CaptionTrackForm(WagtailAdminModelForm):
    """Validates every cue and stores sanitised WebVTT; SRT uploads are converted."""

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("source_file")
        if upload is not None and not hasattr(upload, "content_type"):
            upload = None  # the file stored earlier; its converted text is in the WebVTT field
        if upload is not None:
            upload.seek(0)
        source = upload.read() if upload else cleaned.get("webvtt", "")
        if not source:
            if not self.errors:
                self.add_error("webvtt", CAPTION_NEEDED)
            return cleaned
        try:
            # The video's length is checked by LearningVideoForm: only it knows the length entered
            # with the track (a new video has none stored yet, an edit may change it).
            document = parse_captions(source, filename=getattr(upload, "name", ""))
        except CaptionError as error:
            self.add_error("source_file" if upload else "webvtt", error.as_validation_error())
            return cleaned
        cleaned["webvtt"] = to_webvtt(document)
        self.instance.webvtt = cleaned["webvtt"]
        return cleaned


class LearningVideoForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        duration = cleaned.get("duration_seconds")
        formset = getattr(self, "formsets", {}).get("caption_tracks")
        if duration and duration > 0 and formset is not None:
            for form in formset.forms:
                self._check_track_fits(form, duration)
        return cleaned

    @staticmethod
    def _check_track_fits(form, duration: float) -> None:
        """A track whose cues start after the end of the video is refused on its own row."""
        if not form.is_valid() or form.cleaned_data.get("DELETE"):
            return
        webvtt = form.cleaned_data.get("webvtt")
        if not webvtt:
            return
        try:
            problems = validate_against_duration(parse_captions(webvtt), duration)
        except CaptionError:
            return  # already reported by the track's own form
        if problems:
            form.add_error("webvtt", CaptionError(problems).as_validation_error())

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None or not hasattr(upload, "content_type"):  # unchanged existing file
            return upload
        limit_mb = int(conf.get("VIDEO_MAX_UPLOAD_MB"))
        if upload.size > limit_mb * 1024 * 1024:
            raise forms.ValidationError(VIDEO_TOO_LARGE, params={"limit": limit_mb})
        upload.seek(0)
        mime_type = sniff_video(upload.read(64))
        upload.seek(0)
        if mime_type is None:
            raise forms.ValidationError(NOT_A_VIDEO)
        self.instance.mime_type = mime_type
        self.instance.file_size = upload.size
        return upload


class CoursePageForm(WagtailAdminPageForm):
    """The course in the admin. Who trains the course sees its learners' data, so the trainers
    field is only in the form of people who may assign trainers (a POSTed value from anyone else is
    ignored); its choices are the active members of the trainers' group."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "trainers" not in self.fields:
            return
        from . import selectors

        if not selectors.can_assign_trainers(self.for_user, self.instance):
            del self.fields["trainers"]
        else:
            self.fields["trainers"].queryset = selectors.eligible_trainers(self.instance)

    def save(self, commit=True):
        from . import services
        from .permissions import forget_cached_permissions, is_trainer_staff

        creating = self.instance.pk is None
        page = super().save(commit=commit)
        if creating and is_trainer_staff(self.for_user):
            # Whoever of the trainers adds a course trains it (and owns it, as Wagtail makes the
            # person who adds a page its owner), before it is published.
            page.trainers.add(self.for_user)
        elif "trainers" in self.fields and page.pk:
            # Effective at once (also for a draft): a revision never changes the trainers.
            services.course_trainers_set(
                course=page, trainers=list(self.cleaned_data["trainers"]), by=self.for_user
            )
        forget_cached_permissions(self.for_user)
        return page
