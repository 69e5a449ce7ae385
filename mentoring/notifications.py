"""E-mails to tandem members, in each recipient's own language."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Tandem


def _site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def tandem_proposed(tandem: Tandem) -> int:
    """Tell both people about their proposed tandem and where to answer."""
    sent = 0
    for me, partner in ((tandem.mentee, tandem.mentor), (tandem.mentor, tandem.mentee)):
        user = me.user
        with translation.override(getattr(user, "language", settings.LANGUAGE_CODE)):
            subject = _("Your tandem in “%(programme)s”") % {"programme": tandem.programme.title}
            body = _(
                "Hello %(name)s,\n\nthe programme management proposes a tandem for you with %(partner)s.\n"
                "Please accept or decline here: %(url)s\n\nKind regards\n%(programme)s"
            ) % {
                "name": user.get_full_name() or user.email,
                "partner": partner.user.get_full_name(),
                "url": _site_url(reverse("mentoring:mine")),
                "programme": tandem.programme.title,
            }
        sent += send_mail(subject, body, None, [user.email])
    return sent
