from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = _("Content")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("privacy")
        # The audit log's and the outbox's retention rules, the outbox's tasks, system checks.
        from . import audit, checks, outbox, page_cache, site_cache  # noqa: F401

        page_cache.connect()
        site_cache.connect()
