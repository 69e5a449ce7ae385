"""The courses app's service error and the messages shared by its service modules."""

from django.utils.translation import gettext_lazy as _

from cms.errors import ServiceError

INVALID_INTERVALS = _("The watched intervals are not valid.")


class CourseError(ServiceError):
    """A rule of the courses app was not met (see ``cms.errors``)."""
