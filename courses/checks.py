"""System checks: what the courses app needs from the site it is installed in."""

from django.core.checks import Tags, Warning, register
from django.urls import NoReverseMatch, reverse

from cms.checks import missing_apps

NEEDS = {
    "cms": "Tandem's shared pages, blocks and site settings",
    "wagtail.snippets": "learning videos, quizzes, topics and audiences are edited as snippets",
}


@register()
def courses_apps_check(app_configs, **kwargs) -> list:
    return missing_apps(app="courses", needs=NEEDS, check_id="courses.E001")


@register(Tags.urls)
def courses_urls_check(app_configs, **kwargs) -> list:
    """The pages work with courses.urls alone; watching progress is sent to the courses API."""
    try:
        reverse("courses:mine")
    except NoReverseMatch:
        return [
            Warning(
                "The courses app's pages are not in the URL configuration.",
                hint='Add path("", include("courses.urls")) to your urls.py (docs/install.md).',
                id="courses.W001",
            )
        ]
    try:
        reverse("courses-api:video-progress", kwargs={"pk": 1})
    except NoReverseMatch:
        return [
            Warning(
                "The courses API is not in the URL configuration: learning videos play, but what "
                "learners watched is not recorded, so video lessons cannot be completed.",
                hint='Add path("api/", include("courses.api.urls")) to your urls.py (docs/install.md).',
                id="courses.W002",
            )
        ]
    return []


from . import certificate_checks  # noqa: E402,F401  (registers courses.E002)
