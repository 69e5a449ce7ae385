from django_tasks import task

from ..models import Session
from . import notifications
from .attendance import sessions_flag_no_shows
from .reminders import reminders_send_due


@task()
def notify_session(session_id: int, kind: str, by_id: int | None = None) -> int:
    """E-mails with calendar files after a booking, confirmation, move or cancellation."""
    session = (
        Session.objects.select_related("mentor", "mentee", "tandem__programme")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        return 0
    return notifications.session_changed(session, kind)


@task()
def send_due_reminders() -> int:
    """The periodic sweep (``manage.py session_reminders`` runs the same): due reminders, each once,
    and no-show flags for sessions that ended."""
    sessions_flag_no_shows()
    return reminders_send_due()


@task()
def notify_times_requested(tandem_id: int) -> int:
    """The mentor is asked to set bookable times (her mentee tried to book)."""
    from ..models import Tandem

    tandem = (
        Tandem.objects.select_related("programme", "mentor__user", "mentee__user")
        .filter(pk=tandem_id)
        .first()
    )
    return notifications.times_requested(tandem) if tandem else 0
