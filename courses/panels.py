"""Panels of the course pages in the Wagtail admin (the page models name them)."""

from django.utils.translation import gettext_lazy as _

from cms.panels import GrantingFieldPanel

TRAINERS_READ_ONLY = _(
    "Only the course's owner (while training it), course administrators and superusers change "
    "who trains a course."
)


class TrainersPanel(GrantingFieldPanel):
    """The trainers field; read-only for people who may not assign trainers."""

    read_only_help_text = TRAINERS_READ_ONLY
