from django.apps import AppConfig


class SwappedPageConfig(AppConfig):
    name = "tests.swapped_page"
    label = "swapped_page"
    verbose_name = "Swapped base page (tests)"
