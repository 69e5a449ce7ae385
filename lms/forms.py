from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class SignupForm(forms.Form):
    """Extra fields on allauth's registration form: how the person wants to be addressed."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def signup(self, request, user) -> None:
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.language = getattr(request, "LANGUAGE_CODE", user.language)
        user.save(update_fields=["first_name", "last_name", "language"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "language", "time_zone"]


class ErasureConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account and my data will be deleted."),
        error_messages={"required": _("Please confirm that you want your account deleted.")},
    )
