"""Forms of the live session pages. Times are entered in the person's own time zone."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LiveSessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    start = forms.DateTimeField(
        label=_("Start"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=_("In your time zone."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Length in minutes"), min_value=1, max_value=720, initial=90
    )
    seats = forms.IntegerField(
        label=_("Seats"),
        min_value=1,
        max_value=100000,
        required=False,
        help_text=_("Leave empty to use the places of the course run."),
    )

    def clean_start(self):
        start = self.cleaned_data["start"]
        if timezone.is_naive(start):
            start = timezone.make_aware(start)
        return start


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to everyone registered)"), max_length=500, widget=forms.Textarea
    )


class AttendanceCorrectionForm(forms.Form):
    user = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    minutes = forms.IntegerField(label=_("Minutes present"), min_value=0, required=False)
    attended = forms.TypedChoiceField(
        label=_("Attended"),
        choices=[("", "—"), ("1", _("yes")), ("0", _("no"))],
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
    )
    reason = forms.CharField(label=_("Reason for the correction"), max_length=500)
