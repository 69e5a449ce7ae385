import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")

application = get_wsgi_application()

from django.conf import settings  # noqa: E402

if getattr(settings, "TANDEM_REQUIRE_PRODUCTION_SETTINGS", False):
    # WSGI servers do not run system checks; refuse to serve with a broken configuration.
    from django.core.management import call_command  # noqa: E402

    call_command("check", fail_level="ERROR")
