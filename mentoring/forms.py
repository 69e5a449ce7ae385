from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import Criterion, PairRule, Programme, Role
from .services import CONSENT_REQUIRED
from .sessions.forms import SESSION_LENGTH_CHOICES


class ApplicationForm(forms.Form):
    """Built from the programme's criteria: only what matching needs, plus a free-text motivation
    that people read and the engine never scores."""

    required_css_class = "required"  # the label or legend of a required answer is marked

    shared_profile = forms.CharField(
        label=_("A few words about you for your tandem partner (optional)"),
        required=False,
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Shown to a person proposed to you as tandem partner, so that both of you can decide. "
            "Leave it empty to share only your role and your answers."
        ),
    )
    motivation = forms.CharField(
        label=_("Your motivation"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "For the programme management only; it is not used for the automatic matching."
        ),
    )
    capacity = forms.IntegerField(
        label=_("How many mentees could you accompany?"), min_value=1, max_value=10, required=False
    )
    consent = forms.BooleanField(
        label=_("I agree that my answers are processed for matching in this programme."),
        error_messages={"required": CONSENT_REQUIRED},
    )

    def __init__(self, *args, programme: Programme, role: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.role = role
        criteria_fields = {}
        for criterion in programme.criteria.all():
            question = criterion.asks(role)
            if not question:
                continue
            choices = [(choice, choice) for choice in criterion.choice_list]
            if criterion.answer_type == Criterion.AnswerType.SINGLE:
                field = forms.ChoiceField(
                    label=question,
                    choices=choices,
                    widget=forms.RadioSelect,
                    required=criterion.required,
                )
            else:
                field = forms.MultipleChoiceField(
                    label=question,
                    choices=choices,
                    required=criterion.required,
                    widget=forms.CheckboxSelectMultiple,
                )
            criteria_fields[f"c_{criterion.key}"] = field
        if role != Role.MENTOR:
            del self.fields["capacity"]
        else:
            self.fields["capacity"].initial = programme.default_mentor_capacity
        self.fields = {**criteria_fields, **self.fields}

    def answers(self) -> dict:
        return {
            name[2:]: value for name, value in self.cleaned_data.items() if name.startswith("c_")
        }


SCALE = [(value, str(value)) for value in range(1, 6)]


class FeedbackForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with the tandem?"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = not at all, 5 = very"),
    )
    goal_progress = forms.TypedChoiceField(
        label=_("How far have you come with your goals?"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = not at all, 5 = very far"),
    )
    comment = forms.CharField(
        label=_("What should the programme keep or change?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The programme management sees only averages of at least three answers."),
    )


class AgreementForm(forms.Form):
    rhythm = forms.ChoiceField(label=_("We meet"), choices=[])
    rhythm_note = forms.CharField(label=_("Note on meetings"), required=False, max_length=300)
    confidentiality = forms.BooleanField(
        label=_("What we discuss stays between us."), required=False
    )

    def __init__(self, *args, **kwargs):
        from .models import Agreement

        super().__init__(*args, **kwargs)
        self.fields["rhythm"].choices = Agreement.Rhythm.choices


class GoalForm(forms.Form):
    title = forms.CharField(label=_("New goal"), max_length=300)


CHOOSE_A_SUGGESTED_MENTOR = _("Please choose a mentor from your suggestions.")
CHOOSE_A_GOAL = _("Please choose one of your goals.")
PROGRESS_IN_PERCENT = _("Please enter a number between 0 and 100.")
ACCEPT_OR_DECLINE = _("Please accept or decline.")
CHOOSE_FROM_THE_LIST = _("Please choose an entry from the list.")


def _id_field(message) -> forms.IntegerField:
    """An object's id sent by a page (often a hidden field): anything but a positive number
    gets ``message`` instead of reaching the database (where "abc" was a 500)."""
    return forms.IntegerField(
        min_value=1, error_messages=dict.fromkeys(("required", "invalid", "min_value"), message)
    )


class MentorRequestForm(forms.Form):
    """A mentee asks one of the suggested mentors (the button on "My mentoring")."""

    mentor = _id_field(CHOOSE_A_SUGGESTED_MENTOR)


class GoalProgressForm(forms.Form):
    goal = _id_field(CHOOSE_A_GOAL)
    progress = forms.IntegerField(
        label=_("Progress in percent"),
        min_value=0,
        max_value=100,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"), PROGRESS_IN_PERCENT
        ),
    )


class DecisionForm(forms.Form):
    """Accept or decline (an application, a proposed tandem); a reason only for declining."""

    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        error_messages=dict.fromkeys(("required", "invalid_choice"), ACCEPT_OR_DECLINE),
    )
    reason = forms.CharField(required=False, max_length=500)

    @property
    def accept(self) -> bool:
        return self.cleaned_data["decision"] == "accept"


class PauseForm(forms.Form):
    paused = forms.TypedChoiceField(
        choices=[("1", _("paused")), ("0", _("not paused"))],
        coerce=lambda value: value == "1",
        error_messages=dict.fromkeys(("required", "invalid_choice"), CHOOSE_FROM_THE_LIST),
    )


class EndTandemForm(forms.Form):
    # The service says when the reason is missing (REASON_REQUIRED), for the API as well.
    reason = forms.CharField(required=False, max_length=500)


class PairRuleForm(forms.Form):
    """The programme management pins a pair or forbids it (buttons on the review and dashboard)."""

    mentee = _id_field(CHOOSE_FROM_THE_LIST)
    mentor = _id_field(CHOOSE_FROM_THE_LIST)
    kind = forms.ChoiceField(
        choices=PairRule.Kind.choices,
        error_messages=dict.fromkeys(("required", "invalid_choice"), CHOOSE_FROM_THE_LIST),
    )
    reason = forms.CharField(required=False, max_length=300)
    run = forms.CharField(required=False)  # where to go back to

    def clean_run(self) -> int | None:
        value = self.cleaned_data["run"]
        # a broken "back to the run" is no reason to refuse the rule: back to the dashboard then
        return int(value) if value.isascii() and value.isdigit() else None


class ProgrammeEndForm(forms.Form):
    """Confirm ending the programme's active tandems; before its end date, with a reason."""

    confirm = forms.BooleanField(
        label=_("I have read what will happen and want to end the programme now."),
        error_messages={"required": _("Please confirm that you want to end the programme.")},
    )
    early_reason = forms.CharField(
        label=_("Reason for ending before the programme's end date"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ManualPairForm(forms.Form):
    """The programme management pairs an unmatched mentee by hand with any mentor."""

    mentor = _id_field(CHOOSE_FROM_THE_LIST)
    over_capacity = forms.BooleanField(required=False)


class RaiseCapacityForm(forms.Form):
    """One mentor gets one more place, with her consent."""

    mentor = _id_field(CHOOSE_FROM_THE_LIST)
    consented = forms.BooleanField(
        label=_("The mentor has agreed to take one more mentee."),
        error_messages={"required": _("Please confirm that the mentor has agreed.")},
    )


PROGRAMME_MANAGERS = "Programmleitung"  # the group made by migration 0005


def may_name_managers(user) -> bool:
    """Managers read the programme's applications: naming them stays with administrators."""
    return bool(
        user is not None
        and user.is_active
        and (user.is_superuser or user.has_perm("mentoring.add_programme"))
    )


def eligible_managers(programme: Programme | None = None):
    """Who may be named: active members of the programme managers' group (and, so that saving
    changes nothing unasked, whoever manages the programme already)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    User = get_user_model()
    eligible = Q(is_active=True, groups__name=PROGRAMME_MANAGERS)
    if programme is not None and programme.pk:
        eligible |= Q(pk__in=[manager.pk for manager in programme.managers.all()])
    return User.objects.filter(pk__in=User.objects.filter(eligible).values("pk")).order_by(
        "last_name", "first_name", "email"
    )


class ProgrammeAdminForm(WagtailAdminModelForm):
    """The programme in the admin: session lengths as checkboxes instead of raw JSON; the
    managers field only for administrators, offering programme staff."""

    session_lengths = forms.TypedMultipleChoiceField(
        label=_("Session lengths"),
        coerce=int,
        choices=SESSION_LENGTH_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "managers" in self.fields:
            if may_name_managers(self.for_user):
                self.fields["managers"].queryset = eligible_managers(self.instance)
            else:
                del self.fields["managers"]
