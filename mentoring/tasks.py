from django_tasks import task

from . import notifications


@task()
def notify_tandems_proposed(tandem_ids: list[int]) -> int:
    """The "tandem proposed" e-mails from the background worker (for jobs queued before the
    services recorded them in their own transaction: ``notifications.tandems_proposed``)."""
    return notifications.tandems_proposed(tandem_ids)


@task()
def notify_programme_ending(ending_id: int, kind: str) -> int:
    """After a programme was ended (``programme_ended``) or reopened (``programme_reopened``):
    one e-mail to every member of the tandems concerned."""
    from .models import ProgrammeEnding

    ending = ProgrammeEnding.objects.select_related("programme").filter(pk=ending_id).first()
    if ending is None:
        return 0
    tandems = ending.tandems.select_related("programme", "mentee__user", "mentor__user")
    return sum(notifications.programme_ending(tandem, kind, ending) for tandem in tandems)


@task()
def notify_application(application_id: int, kind: str) -> int:
    """One e-mail about an application: ``places_raised`` (to a mentor), ``waiting_list`` (to a
    mentee)."""
    from .models import Application

    application = (
        Application.objects.select_related("programme", "user").filter(pk=application_id).first()
    )
    if application is None:
        return 0
    return notifications.application_notice(application, kind)
