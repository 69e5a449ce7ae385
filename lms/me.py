"""The personal area /me/ is composed of sections. Each app adds its own through the
``register_me_section`` Wagtail hook, so the site does not need to know them."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from cms.personal import MeSection


def me_sections(request: HttpRequest) -> list[MeSection]:
    sections = [
        MeSection(
            title=_("My account"),
            url=reverse("me-profile"),
            description=_(
                "Name, language, time zone, e-mail addresses, password and two-factor authentication."
            ),
            order=900,
            links=[
                (_("Profile and preferences"), reverse("me-profile")),
                (_("E-mail addresses"), reverse("account_email")),
                (_("Change password"), reverse("account_change_password")),
                (_("Two-factor authentication"), reverse("mfa_index")),
                (_("API token"), reverse("me-api-token")),
            ],
        ),
        MeSection(
            title=_("My data and privacy"),
            url=reverse("me-privacy"),
            description=_("Download everything this site keeps about you, or delete your account."),
            order=910,
        ),
    ]
    for hook in hooks.get_hooks("register_me_section"):
        section = hook(request)
        if section is not None:
            sections.append(section)
    return sorted(sections, key=lambda section: section.order)
