from datetime import UTC

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from cms.timezones import canonical_time_zone, time_zone_choices

from ..models import AvailabilityKind, MentorSchedule
from ..models.availability import WEEKDAYS
from .availability import WindowInput
from .booking import LENGTH_NOT_OFFERED, OUT_OF_REACH
from .errors import REASON_REQUIRED, WINDOW_ORDER, SessionError

WINDOWS_PER_DAY = 3

SESSION_LENGTH_CHOICES = [
    (30, _("30 minutes")),
    (45, _("45 minutes")),
    (60, _("60 minutes")),
    (90, _("90 minutes")),
]


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=time_zone_choices, **kwargs)

    def to_python(self, value):
        """A legacy alias ("Europe/Kiev") is taken as its place's current name."""
        value = super().to_python(value)
        return canonical_time_zone(value) or value


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (your tandem partner sees it)"),
        max_length=500,
        error_messages={"required": REASON_REQUIRED},
    )


CHOOSE_A_TIME = _("Please choose a time.")
MOVE_REASON_REQUIRED = _("Please give a reason for moving the session.")


class SlotField(forms.Field):
    """A moment with its UTC offset, as the booking page writes its slots (ISO 8601), in UTC."""

    default_error_messages = {"required": CHOOSE_A_TIME, "invalid": CHOOSE_A_TIME}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            moment = parse_datetime(str(value).strip())
        except ValueError:
            moment = None
        if moment is None or moment.utcoffset() is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return moment.astimezone(UTC)
        except OverflowError:  # a moment beyond the ends of the calendar
            raise ValidationError(OUT_OF_REACH, code="out_of_range") from None


class BookingForm(forms.Form):
    """Booking a slot of the booking page, or moving ``moving`` there (then with a reason). The key
    makes a repeated submission (a double click, a reload) return the first booking."""

    slot = SlotField()
    length = forms.IntegerField(required=False, min_value=1, max_value=24 * 60)
    reason = forms.CharField(
        label=_("Reason (your tandem partner sees it)"),
        max_length=500,
        required=False,
        error_messages={"required": REASON_REQUIRED},
    )
    key = forms.CharField(required=False)

    def __init__(self, *args, moving=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.moving = moving
        self.fields["reason"].required = moving is not None
        self.alternatives = []

    def clean_length(self) -> int:
        length = self.cleaned_data["length"]
        if not length and self.moving is not None:
            return int((self.moving.end - self.moving.start).total_seconds() // 60)
        if not length:
            raise ValidationError(LENGTH_NOT_OFFERED, code="length_not_offered")
        return length

    def clean_key(self) -> str:
        return self.cleaned_data["key"][:64]  # as the services keep it

    def add_service_error(self, error: SessionError) -> None:
        """A refusal of the booking services, on the field it concerns; taken slots come with the
        next free ones."""
        field = {"start": "slot"}.get(error.field or "", error.field)
        self.add_error(field if field in self.fields else None, str(error.message))
        self.alternatives = error.alternatives

    def page_errors(self) -> list[str]:
        """What the page says above the slots (the reason's own message is next to its field)."""
        messages = [
            str(message)
            for name, errors in self.errors.items()
            if name != "reason"
            for message in errors
        ]
        if "reason" in self.errors:
            messages.append(str(MOVE_REASON_REQUIRED))
        return messages


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
    required_css_class = "required"
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
    required_css_class = "required"
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=AvailabilityKind.choices,
        initial=AvailabilityKind.BLOCKED,
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
