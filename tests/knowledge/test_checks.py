"""Installed into a host site, the knowledge base says which apps it is missing (knowledge.E100;
a host site without them is what tests/packaging builds)."""

from django.core.checks import registry, run_checks

from knowledge.checks import NEEDS, knowledge_apps_check


def test_the_system_check_is_registered_and_quiet_on_a_complete_site():
    assert knowledge_apps_check in registry.registry.get_checks()
    assert not [message for message in run_checks() if message.id == "knowledge.E100"]
    assert {"cms", "wagtail.contrib.table_block", "rest_framework"} <= set(NEEDS)
