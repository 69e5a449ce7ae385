from django_tasks import task

from . import notifications
from .models import Tandem


@task()
def notify_tandems_proposed(tandem_ids: list[int]) -> int:
    """Runs after publishing, in the background worker in production."""
    sent = 0
    for tandem in Tandem.objects.filter(pk__in=tandem_ids).select_related(
        "programme", "mentee__user", "mentor__user"
    ):
        sent += notifications.tandem_proposed(tandem)
    return sent
