"""The mentoring app's service error and the messages several of its service modules share."""

from django.utils.translation import gettext_lazy as _

from cms.errors import ServiceError

NOT_ACTIVE = _("Only an active tandem can be ended.")
REASON_REQUIRED = _("Please give a reason.")
NOT_A_MEMBER = _("You are not part of this tandem.")


class MentoringError(ServiceError):
    """A rule of the mentoring app was not met (see ``cms.errors``)."""
