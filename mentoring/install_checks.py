"""System checks: what the mentoring app needs from the site it is installed in."""

from django.core.checks import register

from cms.checks import missing_apps

NEEDS = {
    "cms": "Tandem's shared pages, blocks and site settings",
    "wagtail.snippets": "programmes are edited as snippets",
    "schedule": "mentors' availability (django-scheduler)",
    "video": "the video rooms of the sessions: tokens, join page, the video server's endpoints",
}


@register()
def mentoring_apps_check(app_configs, **kwargs) -> list:
    return missing_apps(app="mentoring", needs=NEEDS, check_id="mentoring.E100")
