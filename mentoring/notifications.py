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


def tandems_proposed(tandem_ids: list[int]) -> int:
    """The "tandem proposed" e-mails of these tandems (both members of each), recorded in the
    outbox in the caller's transaction: they go out after the commit, also when the mail server or
    the queue is down right now, and not at all when the proposal is rolled back. Publishing a
    matching run and pairing by hand both tell people this way."""
    tandems = Tandem.objects.filter(pk__in=tandem_ids).select_related(
        "programme", "mentee__user", "mentor__user"
    )
    return sum(tandem_proposed(tandem) for tandem in tandems)


def programme_ending(tandem: Tandem, kind: str, ending) -> int:
    """Thank both members at the programme's end with the link to the final feedback, or tell
    them that the end was undone (their cancelled sessions are to be booked again)."""
    sent = 0
    cancelled = set(ending.sessions.filter(tandem=tandem).values_list("pk", flat=True))
    for me, partner in ((tandem.mentee, tandem.mentor), (tandem.mentor, tandem.mentee)):
        user = me.user
        sent += send_templated_mail(
            template=f"mentoring/emails/{kind}",
            to=user,
            context={
                "name": user.get_full_name() or user.email,
                "partner": partner.user.get_full_name(),
                "programme": tandem.programme.title,
                "cancelled": len(cancelled),
                "feedback_url": site_url(reverse("mentoring:feedback", args=[tandem.pk, "final"])),
                "tandem_url": site_url(reverse("mentoring:tandem", args=[tandem.pk])),
                "book_url": site_url(reverse("mentoring:book", args=[tandem.pk])),
            },
        )
    return sent


def application_notice(application, kind: str) -> int:
    """A mentor's extra place (with her consent) or a mentee's place on the waiting list."""
    user = application.user
    return send_templated_mail(
        template=f"mentoring/emails/{kind}",
        to=user,
        context={
            "name": user.get_full_name() or user.email,
            "programme": application.programme.title,
            "places": application.capacity,
            "url": site_url(reverse("mentoring:mine")),
        },
    )
