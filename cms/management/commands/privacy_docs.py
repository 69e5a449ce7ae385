from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from cms import privacy

# The apps with a PRIVACY.md: those of the plugin set a site has installed.
APPS = tuple(privacy.APP_SUMMARIES)


class Command(BaseCommand):
    help = "Write each app's PRIVACY.md from the personal-data inventory (--check: only compare)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check: bool = False, **options):
        stale = []
        for label in APPS:
            if not apps.is_installed(label):
                continue
            path = Path(apps.get_app_config(label).path) / "PRIVACY.md"
            text = privacy.markdown(label)
            if check:
                if not path.exists() or path.read_text() != text:
                    stale.append(str(path))
            else:
                path.write_text(text)
        if stale:
            raise CommandError(f"Out of date (run manage.py privacy_docs): {', '.join(stale)}")
