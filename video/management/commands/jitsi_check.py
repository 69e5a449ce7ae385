"""``python manage.py jitsi_check``: is the configured Jitsi Meet server fit for the video rooms?"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from video import conf
from video.diagnostics import (
    Finding,
    base_url_from_settings,
    check_server,
    normalise_base_url,
)

SETTINGS_HELP = (
    "TANDEM_VIDEO_JITSI_DOMAIN",
    "TANDEM_VIDEO_JITSI_APP_ID",
    "TANDEM_VIDEO_JITSI_APP_SECRET",
    "TANDEM_VIDEO_JITSI_AUDIENCE",
    "TANDEM_VIDEO_JITSI_SCHEME",
    "TANDEM_VIDEO_JITSI_HEALTH_URL",
    "TANDEM_VIDEO_JITSI_API_TOKEN",
)


class Command(BaseCommand):
    # A diagnostic must run even when the system checks fail, e.g. mentoring.E001 (no Jitsi
    # server configured in production) - that is exactly when it is needed.
    requires_system_checks = []

    # argparse formats help texts with re and %: they must be str, not lazy translations (a lazy
    # one made --help crash with a TypeError), so they are translated when the parser is built.
    @property
    def help(self) -> str:  # type: ignore[override]
        return _(
            "Check the Jitsi Meet server configured in TANDEM_VIDEO_JITSI_* (or given with "
            "--url): reachable, IFrame API served, privacy settings in config.js, health endpoint. "
            "Exits with status 1 when an error is found."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="",
            help=_(
                "Base URL or domain of the Jitsi server, e.g. https://meet.example.org "
                "(default: TANDEM_VIDEO_JITSI_SCHEME and TANDEM_VIDEO_JITSI_DOMAIN)."
            ),
        )
        parser.add_argument(
            "--health-url",
            default=None,
            help=_(
                "Health endpoint, absolute or relative to the server (default: "
                "TANDEM_VIDEO_JITSI_HEALTH_URL)."
            ),
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=None,
            help=_("Seconds to wait for each request (default: TANDEM_VIDEO_JITSI_TIMEOUT)."),
        )

    def handle(
        self,
        *args,
        url: str = "",
        health_url: str | None = None,
        timeout: float | None = None,
        **options,
    ):
        if url:
            base_url = normalise_base_url(url, scheme=str(conf.get("JITSI_SCHEME") or "https"))
        else:
            base_url = base_url_from_settings()
        if not base_url:
            raise CommandError(
                _(
                    "No Jitsi server is configured. Set TANDEM_VIDEO_JITSI_DOMAIN to your organisation's "
                    "Jitsi Meet server (e.g. meet.example.org) together with %(settings)s, or pass --url. "
                    "See docs/jitsi.md."
                )
                % {"settings": ", ".join(SETTINGS_HELP[1:])}
            )
        if health_url is None:
            health_url = str(conf.get("JITSI_HEALTH_URL") or "")
        if timeout is None:
            timeout = float(conf.get("JITSI_TIMEOUT"))
        if timeout <= 0:
            raise CommandError(_("--timeout must be a positive number of seconds."))

        self.stdout.write(_("Checking the Jitsi server at %(url)s …") % {"url": base_url})
        findings = check_server(base_url=base_url, timeout=timeout, health_url=health_url)
        if not url:
            findings.extend(self._settings_findings())
        for finding in findings:
            self._print(finding)

        errors = sum(finding.level == "error" for finding in findings)
        warnings = sum(finding.level == "warning" for finding in findings)
        summary = _("%(errors)d error(s), %(warnings)d warning(s).") % {
            "errors": errors,
            "warnings": warnings,
        }
        if errors:
            raise CommandError(
                _("The Jitsi server at %(url)s is not ready for mentoring sessions: %(summary)s")
                % {"url": base_url, "summary": summary}
            )
        self.stdout.write(self.style.SUCCESS(summary))

    def _settings_findings(self) -> list[Finding]:
        findings = []
        missing = [
            f"TANDEM_VIDEO_{name}"
            for name in ("JITSI_APP_ID", "JITSI_APP_SECRET")
            if not conf.get(name)
        ]
        if missing:
            findings.append(
                Finding(
                    "error",
                    _("Token authentication is not configured: %(settings)s missing.")
                    % {"settings": ", ".join(missing)},
                    _("Set them to prosody's app_id and app_secret (see docs/jitsi.md)."),
                )
            )
        elif len(str(conf.get("JITSI_APP_SECRET"))) < 32:
            findings.append(
                Finding(
                    "warning",
                    _("TANDEM_VIDEO_JITSI_APP_SECRET is shorter than 32 characters."),
                    _("Use a long random secret, e.g. the output of: openssl rand -hex 32"),
                )
            )
        if not conf.get("JITSI_API_TOKEN"):
            findings.append(
                Finding(
                    "warning",
                    _(
                        "TANDEM_VIDEO_JITSI_API_TOKEN is empty: the reservation and event endpoints "
                        "are off, so the server does not ask Tandem before opening a room."
                    ),
                    _(
                        "Set a long random token and the same value in prosody's reservations_api_headers and "
                        "api_headers (see docs/jitsi.md)."
                    ),
                )
            )
        return findings

    def _print(self, finding: Finding) -> None:
        label, style = {
            "ok": (_("OK"), self.style.SUCCESS),
            "warning": (_("WARNING"), self.style.WARNING),
            "error": (_("ERROR"), self.style.ERROR),
        }[finding.level]
        line = f"{label}: {finding.message}"
        if finding.fix:
            line += " " + _("Fix: %(fix)s") % {"fix": finding.fix}
        self.stdout.write(style(line))
