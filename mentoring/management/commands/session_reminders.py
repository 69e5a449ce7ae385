import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cms import outbox
from mentoring.sessions import services


class Command(BaseCommand):
    help = _(
        "Send due session reminders (24 h and 1 h before), each exactly once, and flag no-shows; "
        "then send the due e-mails of the outbox. Run it every few minutes from cron or a systemd "
        "timer, or with --every."
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
            flagged = services.sessions_flag_no_shows()
            sent = services.reminders_send_due()
            outbox.send_due()
            self.stdout.write(
                _("%(sent)d reminder e-mails sent, %(flagged)d no-shows flagged.")
                % {"sent": sent, "flagged": flagged}
            )
            if every <= 0:
                return
            time.sleep(every)
