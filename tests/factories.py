import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "Sicheres-Passwort-42"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # staff's authenticator app in tests
STAFF_GROUPS = {"Redaktion", "Trainer:innen", "Programmleitung"}


def totp_code(secret: str = TOTP_SECRET, *, time_left: float = 8.0) -> str:
    """The code the authenticator app shows now, with at least ``time_left`` seconds to go: the
    site allows no tolerance (allauth's TOTP_TOLERANCE 0), so a code read in the last moments of
    its period may be refused by the time the form arrives (a browser test under CI load failed
    so). A person waits for the next code when the app's countdown is nearly over; so does this."""
    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < time_left:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))

    @factory.post_generation
    def second_factor(self, create, extracted, **kwargs):
        """Staff have an authenticator app, as the site requires of them; second_factor=False
        makes one without."""
        if not create or extracted is False:
            return
        if self.is_staff or self.is_superuser or self.groups.filter(name__in=STAFF_GROUPS).exists():
            TOTP.activate(self, TOTP_SECRET)
