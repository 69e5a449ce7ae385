from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from cms import privacy


class Command(BaseCommand):
    help = _(
        "Delete or anonymise what is past its retention period, and carry out due account erasures. "
        "Run it daily (cron or systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help=_("Only count, change nothing."))

    def handle(self, *args, dry_run: bool = False, **options):
        now = timezone.now()
        for description, rule in privacy.retention_rules():
            count = rule(now=now, dry_run=dry_run)
            verb = _("would remove") if dry_run else _("removed")
            self.stdout.write(f"{description}: {verb} {count}")
