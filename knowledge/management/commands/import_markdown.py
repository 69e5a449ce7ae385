from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from knowledge.markdown_import import markdown_import
from knowledge.models import KnowledgeSpacePage


class Command(BaseCommand):
    help = _(
        "Import a folder of Markdown files into a knowledge space: sub-folders become the article "
        "hierarchy, links between the files stay links, images and attachments become documents."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help=_("The folder with the Markdown files."))
        parser.add_argument(
            "--space", required=True, help=_("The slug of the knowledge space to import into.")
        )
        parser.add_argument(
            "--draft",
            action="store_true",
            help=_("Save the imported articles as drafts instead of publishing them."),
        )

    def handle(self, *args, folder: str, space: str, draft: bool = False, **options):
        path = Path(folder)
        if not path.is_dir():
            raise CommandError(_("There is no folder %(folder)s.") % {"folder": folder})
        target = KnowledgeSpacePage.objects.filter(slug=space).first()
        if target is None:
            raise CommandError(
                _("There is no knowledge space with the slug %(slug)s.") % {"slug": space}
            )
        result = markdown_import(folder=path, space=target, publish=not draft)
        self.stdout.write(
            _("%(articles)d articles and %(documents)d documents imported.")
            % {"articles": len(result.articles), "documents": len(result.documents)}
        )
        for href in result.unresolved_links:
            self.stderr.write(_("Link not found in the folder: %(href)s") % {"href": href})
