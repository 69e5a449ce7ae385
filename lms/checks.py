from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

E001 = "lms.E001"
E002 = "lms.E002"


@register(Tags.security)
def production_settings_check(app_configs, **kwargs) -> list[Error]:
    """Production must not start without its secrets: say exactly what to set."""
    if not getattr(settings, "TANDEM_REQUIRE_PRODUCTION_SETTINGS", False):
        return []
    errors = []
    try:
        secret_key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        secret_key = ""
    if len(secret_key) < 50:
        errors.append(
            Error(
                "SECRET_KEY is not set or too short for production.",
                hint="Set the environment variable SECRET_KEY to a random string of at least "
                '50 characters, e.g. the output of: python -c "import secrets; '
                'print(secrets.token_urlsafe(64))"',
                id=E001,
            )
        )
    if not settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "ALLOWED_HOSTS is empty.",
                hint="Set the environment variable ALLOWED_HOSTS to the host names the site is "
                "served under, separated by commas, e.g. ALLOWED_HOSTS=tandem.example.org",
                id=E002,
            )
        )
    return errors
