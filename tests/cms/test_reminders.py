"""One periodic command for every app's reminders: ``manage.py send_reminders`` runs the sweeps the
installed apps register (cms.reminders), so an operator schedules one job, not one per app."""

from io import StringIO

import pytest
from django.core.management import call_command

from cms.reminders import sweeps


def test_every_app_with_reminders_registers_its_sweep():
    registered = {f"{sweep.__module__}.{sweep.__name__}" for sweep in sweeps()}
    assert {
        "courses.wagtail_hooks.live_session_sweep",
        "mentoring.wagtail_hooks.session_sweep",
        "knowledge.wagtail_hooks.review_sweep",
    } <= registered


@pytest.mark.django_db
def test_send_reminders_runs_every_sweep_and_says_how_many_mails_went_out():
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "0" in out.getvalue()
