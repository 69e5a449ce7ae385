"""Forms of the video rooms' pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import VideoRoom


class ColleagueChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.email.split("@")[0]


def colleagues_queryset(host):
    """The organisation's staff by name: accounts with staff status or the permission to host
    video rooms, active, without the host."""
    users = get_user_model().objects.filter(is_active=True)
    staff = users.filter(
        Q(is_staff=True)
        | Q(
            user_permissions__codename="host_rooms",
            user_permissions__content_type__app_label="video",
        )
        | Q(
            groups__permissions__codename="host_rooms",
            groups__permissions__content_type__app_label="video",
        )
    )
    return staff.exclude(pk=host.pk).distinct().order_by("last_name", "first_name", "email")


class RoomForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of room"),
        choices=VideoRoom.Kind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Team meeting: you, colleagues and guests. Counselling: only you and the guests you invite."
        ),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        help_text=_("Shown to everyone you invite. Please no names or details of clients."),
    )
    start = forms.DateTimeField(
        label=_("First date"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
    )
    minutes = forms.IntegerField(
        label=_("Length in minutes"), min_value=15, max_value=600, initial=60
    )
    repeat = forms.IntegerField(
        label=_("Repeat weekly"),
        min_value=0,
        max_value=51,
        initial=0,
        help_text=_("How many more weeks at the same time (0: a one-off meeting)."),
    )
    colleagues = ColleagueChoice(
        label=_("Colleagues"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Team meetings only: they enter without waiting."),
    )

    def __init__(self, *args, host, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleagues"].queryset = colleagues_queryset(host)
        if editing:
            del self.fields["kind"]


class InvitationForm(forms.Form):
    label = forms.CharField(
        label=_("Note for you"),
        max_length=40,
        required=False,
        help_text=_("So that you can tell the links apart, e.g. initials. Not shown to the guest."),
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=90, initial=14)


class GuestNameForm(forms.Form):
    name = forms.CharField(
        label=_("Your name as the others will see it"),
        max_length=60,
        help_text=_("A first name or a nickname is enough. It is not stored."),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Please enter a name."))
        return name
