"""The permission "May host video rooms" on the group pages of the Wagtail admin, and the
person's video rooms in their area (/me/)."""

from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from cms.personal import MeSection


@hooks.register("register_permissions")
def register_permissions():
    return Permission.objects.filter(content_type__app_label="video", codename="host_rooms")


@hooks.register("register_me_section")
def my_video_rooms_section(request):
    """Rooms the person hosts or is invited to as a colleague, each with its next date; while a
    room is open, the way straight in. Someone who may host but has no room yet is shown how to
    create one; everyone else without rooms sees no section."""
    from .meetings import may_host, upcoming_rooms

    user = request.user
    if not user.is_authenticated:
        return None
    rows = upcoming_rooms(user)
    hosts = may_host(user)
    if not rows and not hosts:
        return None
    links = []
    for row in rows[:5]:
        if row.open:
            label = _("Enter the room now: %(title)s") % {"title": row.room.title}
            url = reverse("video:room-join", args=[row.room.uuid])
        else:
            label = (
                f"{row.room.title} – {date_format(localtime(row.date.start), 'DATETIME_FORMAT')}"
            )
            url = reverse("video:room", args=[row.room.uuid])
        links.append((label, url))
    if not rows:
        description = _(
            "You have no upcoming video meetings. Create a room for a team meeting or counselling and invite colleagues or guests."
        )
        links = [(_("Create a room"), reverse("video:room-create"))]
    else:
        description = _("Team meetings and counselling rooms you host or are invited to.")
    return MeSection(
        title=_("My video rooms"),
        url=reverse("video:rooms"),
        order=12,
        description=description,
        links=links,
    )
