import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cms import outbox


class Command(BaseCommand):
    help = _(
        "Send the e-mails of the outbox that are due: new ones whose task was not queued, those "
        "waiting for a retry, and those whose worker died while sending. Run it every minute from "
        "cron or a systemd timer, or with --every."
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
            sent = outbox.send_due()
            backlog = outbox.backlog()
            self.stdout.write(
                _("%(sent)d e-mails sent, %(pending)d waiting, %(failed)d failed for good.")
                % {"sent": sent, "pending": backlog["pending"], "failed": backlog["failed"]}
            )
            if every <= 0:
                return
            time.sleep(every)
