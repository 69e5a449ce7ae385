import os
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

APPS_WITH_CATALOGUES = ["cms", "courses", "mentoring", "video", "knowledge"]
LANGUAGES = ["de", "en"]


@contextmanager
def working_directory(path: Path):
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


class Command(BaseCommand):
    help = (
        "Extract translatable strings into each plugin's own catalogue (cms/, courses/, video/, "
        "knowledge/, mentoring/) and the site's catalogue (locale/), then compile them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-compile", action="store_true", help="Only extract, do not compile."
        )

    def handle(self, *args, no_compile: bool = False, **options):
        base = Path(settings.BASE_DIR)
        common = {"locale": LANGUAGES, "no_obsolete": True, "verbosity": 0}
        with working_directory(base):
            call_command(
                "makemessages",
                ignore_patterns=[
                    ".venv/*",
                    "tests/*",
                    "bench/*",
                    "staticfiles/*",
                    "media/*",
                    "build/*",
                    "dist/*",
                    *[f"{app}/*" for app in APPS_WITH_CATALOGUES],
                ],
                **common,
            )
        for app in APPS_WITH_CATALOGUES:
            (base / app / "locale").mkdir(exist_ok=True)
            with working_directory(base / app):
                call_command("makemessages", **common)
        if not no_compile:
            with working_directory(base):
                call_command(
                    "compilemessages", ignore_patterns=[".venv/*", "build/*", "dist/*"], verbosity=0
                )
        self.stdout.write(self.style.SUCCESS("Catalogues updated."))
