from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from lms.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Load the German demo organisation (Musterverband). Safe to run repeatedly."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (never on a production site).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data is for development only. Use --force to load it anyway.")
        # The demo's people are fictional: the notification e-mails they would get are not sent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            created = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({len(created)} new accounts)."
                if created
                else "Demo data ready (nothing new)."
            )
        )
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})\n")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.role:<38} {account.email}")
        from video.demo import DEMO_GUEST_TOKEN

        self.stdout.write(
            f"\nVideo rooms: programmleitung@… hosts a team room and a counselling room; the "
            f"counselling room's guest link: /video/invite/{DEMO_GUEST_TOKEN}/\n"
        )
