"""E-mails to tandem members (templates ``mentoring/emails/``), in each recipient's own language."""

from django.urls import reverse

from cms.mail import send_templated_mail, site_url

from .models import Tandem


def tandem_proposed(tandem: Tandem) -> int:
    """Tell both people about their proposed tandem and where to answer."""
    sent = 0
    for me, partner in ((tandem.mentee, tandem.mentor), (tandem.mentor, tandem.mentee)):
        user = me.user
        sent += send_templated_mail(
            template="mentoring/emails/tandem_proposed",
            to=user,
            context={
                "name": user.get_full_name() or user.email,
                "partner": partner.user.get_full_name(),
                "url": site_url(reverse("mentoring:mine")),
                "programme": tandem.programme.title,
            },
        )
    return sent
