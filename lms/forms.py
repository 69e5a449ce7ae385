from datetime import timedelta

from django import forms
from django.utils import timezone
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


ERASURE_WRONG_PASSWORD = _(
    "The password is not correct. Please enter your current password to delete your account."
)
ERASURE_LOGIN_AGAIN = _(
    "To delete your account, please log out, log in again and then confirm within %(minutes)d "
    "minutes."
)
ERASURE_FRESH_LOGIN = timedelta(minutes=10)


class ErasureConfirmForm(forms.Form):
    """The request to delete the account: confirmed, and proven by the current password (or, for an
    account without one, by a login in the last minutes), so nobody at an unattended browser can
    delete someone else's account."""

    confirm = forms.BooleanField(
        label=_("I understand that my account and my data will be deleted."),
        error_messages={"required": _("Please confirm that you want your account deleted.")},
    )
    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": ERASURE_WRONG_PASSWORD},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data.get("password", "")
        if not self.user.check_password(password):
            raise forms.ValidationError(ERASURE_WRONG_PASSWORD, code="wrong_password")
        return password

    def clean(self):
        cleaned = super().clean()
        if "password" not in self.fields:
            last_login = self.user.last_login
            if last_login is None or timezone.now() - last_login > ERASURE_FRESH_LOGIN:
                raise forms.ValidationError(
                    ERASURE_LOGIN_AGAIN,
                    code="login_again",
                    params={"minutes": int(ERASURE_FRESH_LOGIN.total_seconds() // 60)},
                )
        return cleaned
