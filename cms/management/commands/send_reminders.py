import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cms.reminders import run_sweeps


class Command(BaseCommand):
    help = _(
        "Run the periodic sweeps the installed apps register (e.g. live session reminders and "
        "attendance). Run it every few minutes from cron or a systemd timer, or with --every."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help=_("Keep running and sweep every SECONDS seconds."),
        )

    def handle(self, *args, every: int = 0, **options):
        while True:
            sent = run_sweeps()
            self.stdout.write(_("%(sent)d reminder e-mails sent.") % {"sent": sent})
            if every <= 0:
                return
            time.sleep(every)
