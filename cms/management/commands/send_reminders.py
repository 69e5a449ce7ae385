import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cms import outbox
from cms.reminders import run_sweeps


class Command(BaseCommand):
    help = _(
        "Run the periodic sweeps the installed apps register (session and live session "
        "reminders, attendance, review reminders), then send the due e-mails of the outbox. Run "
        "it every few minutes from cron or a systemd timer, or with --every."
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
            outbox.send_due()
            self.stdout.write(_("%(sent)d reminder e-mails sent.") % {"sent": sent})
            if every <= 0:
                return
            time.sleep(every)
