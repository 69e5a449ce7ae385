from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import SpaceRole, Visibility


class MemberForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=SpaceRole.choices)
    user = forms.ModelChoiceField(
        label=_("Person"),
        queryset=get_user_model().objects.filter(is_active=True),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This account does not exist (any more).")},
    )


class SpaceSettingsForm(forms.Form):
    visibility = forms.ChoiceField(
        label=_("Who may read this space?"), choices=Visibility.choices, widget=forms.RadioSelect
    )
    requires_approval = forms.BooleanField(
        label=_("Changes need approval before they are published (four-eyes rule)"),
        required=False,
    )
