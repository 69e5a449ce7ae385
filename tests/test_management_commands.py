"""Every Tandem management command explains itself: ``manage.py <command> --help`` and
``manage.py help <command>`` print a help text and exit 0, in German and in English (a lazy
translation in an argument's help once made both crash with a TypeError)."""

import pytest
from django.core.management import ManagementUtility, get_commands
from django.utils import translation

TANDEM_APPS = ("cms", "courses", "mentoring", "video", "lms")
TANDEM_COMMANDS = sorted(name for name, app in get_commands().items() if app in TANDEM_APPS)


def test_the_tandem_commands_are_found():
    assert {
        "jitsi_check",
        "session_reminders",
        "send_reminders",
        "seed_demo",
        "privacy_docs",
    } <= set(TANDEM_COMMANDS)


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("name", TANDEM_COMMANDS)
@pytest.mark.parametrize("argv", [["{name}", "--help"], ["help", "{name}"]])
def test_help_of_every_command(capsys, name, argv, language):
    arguments = ["manage.py", *(part.format(name=name) for part in argv)]
    with translation.override(language):
        try:
            ManagementUtility(arguments).execute()
        except SystemExit as exit:  # argparse ends --help with sys.exit(0)
            assert exit.code in (0, None)
    printed = capsys.readouterr()
    assert f"manage.py {name}" in printed.out
    assert "--help" in printed.out
    assert len(printed.out.split("\n\n")) > 2, "the help has a description and options"
    assert printed.err == ""
