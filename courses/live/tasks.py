from django_tasks import task

from ..models import LiveSession
from . import notifications
from .reminders import live_reminders_send_due


@task()
def notify_live_session(session_id: int, kind: str, user_ids: list[int]) -> int:
    """E-mails (with calendar files) after a registration, a move up, a change or a cancellation."""
    session = LiveSession.objects.select_related("run__course").filter(pk=session_id).first()
    if session is None:
        return 0
    return notifications.live_session_notify(session, kind, user_ids=user_ids or None)


@task()
def send_due_live_reminders() -> int:
    """The reminder sweep (``manage.py send_reminders`` runs it too): due reminders, each once."""
    return live_reminders_send_due()
