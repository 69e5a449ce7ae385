"""System checks of the knowledge base: the site has the apps it needs (docs/install.md)."""

from django.core.checks import register

from cms.checks import missing_apps

NEEDS = {
    "cms": "Tandem's shared base (settings, privacy inventory, audit log, reminder sweep)",
    "wagtail.contrib.table_block": "the table block of articles",
    "rest_framework": "the knowledge API (/api/v1/knowledge/)",
}


@register()
def knowledge_apps_check(app_configs, **kwargs) -> list:
    return missing_apps(app="knowledge", needs=NEEDS, check_id="knowledge.E100")
