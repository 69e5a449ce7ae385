from django import forms
from django.utils.translation import gettext_lazy as _

from cms.timezones import time_zone_choices

from ..forms import SESSION_LENGTH_CHOICES
from ..models import AvailabilityException, MentorSchedule
from ..models.availability import WEEKDAYS
from .availability import WindowInput
from .errors import REASON_REQUIRED, WINDOW_ORDER

WINDOWS_PER_DAY = 3


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=time_zone_choices, **kwargs)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (your tandem partner sees it)"),
        max_length=500,
        error_messages={"required": REASON_REQUIRED},
    )


class AgendaForm(forms.Form):
    agenda = forms.CharField(
        label=_("Shared agenda (both of you see and edit it)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("My private notes (only you see them)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SessionFeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How helpful was this session?"),
        coerce=int,
        choices=[(i, str(i)) for i in range(1, 6)],
        widget=forms.RadioSelect,
        help_text=_("1 = not helpful, 5 = very helpful"),
    )
    text = forms.CharField(
        label=_("What was helpful, what could be better?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ScheduleSettingsForm(forms.ModelForm):
    time_zone = TimeZoneField(
        label=_("time zone"),
        help_text=_("Your availability is kept in this zone, also across daylight saving changes."),
    )
    session_lengths = forms.TypedMultipleChoiceField(
        label=_("Session lengths"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        choices=SESSION_LENGTH_CHOICES,
    )

    class Meta:
        model = MentorSchedule
        fields = [
            "time_zone",
            "own_rules",
            "session_lengths",
            "buffer_before",
            "buffer_after",
            "min_notice_hours",
            "horizon_days",
            "max_per_day",
            "max_per_week",
        ]


class WeeklyForm(forms.Form):
    """A weekly grid: for each weekday up to three windows (from – until)."""

    def __init__(self, *args, windows=(), **kwargs):
        super().__init__(*args, **kwargs)
        by_day: dict[int, list] = {}
        for window in windows:
            by_day.setdefault(window.weekday, []).append(window)
        self.days = []
        for weekday, label in WEEKDAYS:
            rows = []
            existing = by_day.get(weekday, [])
            for index in range(max(WINDOWS_PER_DAY, len(existing) + 1)):
                start_name, end_name = f"d{weekday}_{index}_start", f"d{weekday}_{index}_end"
                initial = existing[index] if index < len(existing) else None
                self.fields[start_name] = forms.TimeField(
                    label=_("%(day)s, window %(n)d: from") % {"day": label, "n": index + 1},
                    required=False,
                    initial=initial.start_time if initial else None,
                    widget=forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M"),
                )
                self.fields[end_name] = forms.TimeField(
                    label=_("%(day)s, window %(n)d: until") % {"day": label, "n": index + 1},
                    required=False,
                    initial=initial.end_time if initial else None,
                    widget=forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M"),
                )
                rows.append((start_name, end_name))
            self.days.append((weekday, label, rows))

    def clean(self):
        cleaned = super().clean()
        for _weekday, _label, rows in self.days:
            for start_name, end_name in rows:
                start, end = cleaned.get(start_name), cleaned.get(end_name)
                if (start is None) != (end is None):
                    self.add_error(
                        end_name if end is None else start_name, _("Give both times or none.")
                    )
                elif start is not None and end <= start:
                    self.add_error(end_name, WINDOW_ORDER)
        return cleaned

    def day_rows(self):
        for weekday, label, rows in self.days:
            yield weekday, label, [(self[start], self[end]) for start, end in rows]

    def windows(self) -> list[WindowInput]:
        result = []
        for weekday, _label, rows in self.days:
            for start_name, end_name in rows:
                start, end = self.cleaned_data.get(start_name), self.cleaned_data.get(end_name)
                if start is not None and end is not None:
                    result.append(WindowInput(weekday, start, end))
        return result


class ExceptionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=AvailabilityException.Kind.choices,
        initial=AvailabilityException.Kind.BLOCKED,
    )
    date_from = forms.DateField(
        label=_("From date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_until = forms.DateField(
        label=_("Until date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    start_time = forms.TimeField(
        label=_("From (empty: the whole day)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M"),
    )
    end_time = forms.TimeField(
        label=_("Until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M"),
    )
    note = forms.CharField(label=_("Note (only for you)"), required=False, max_length=200)
