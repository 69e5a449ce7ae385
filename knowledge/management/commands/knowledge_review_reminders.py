import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from knowledge import services


class Command(BaseCommand):
    help = _(
        "Remind the responsible people of articles whose review is due, once per due date. "
        "Run it daily from cron or a systemd timer, or with --every."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help=_("Keep running and sweep every SECONDS seconds."),
        )
        parser.add_argument("--today", default="", help=_("Treat this date (YYYY-MM-DD) as today."))

    def handle(self, *args, every: int = 0, today: str = "", **options):
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(_("Give the date as YYYY-MM-DD.")) from None
        while True:
            sent = services.review_reminders_send(today=day)
            self.stdout.write(_("%(sent)d review reminders sent.") % {"sent": sent})
            if every <= 0:
                return
            time.sleep(every)
