"""The topology's SMTP sink (ops/topology.py): aiosmtpd on loopback, every accepted mail one file in
a Maildir. A recipient listed in the file ``smtp-refusals`` beside the Maildir is refused with the
answer given there, read afresh for every recipient, so a test can refuse one address for a while:

    lea@example.org 451 4.2.1 Mailbox busy, try later

    python ops/smtp_sink.py 127.0.0.1:2525 .topology/mail
"""

from __future__ import annotations

import sys
from pathlib import Path

from aiosmtpd.handlers import Mailbox

REFUSALS = "smtp-refusals"


class RefusingMailbox(Mailbox):
    def refusals(self) -> dict[str, str]:
        path = Path(self.mail_dir).parent / REFUSALS
        try:
            lines = path.read_text().splitlines()
        except FileNotFoundError:
            return {}
        answers = {}
        for line in lines:
            address, _space, answer = line.strip().partition(" ")
            if address and answer:
                answers[address.lower()] = answer
        return answers

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        answer = self.refusals().get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"


if __name__ == "__main__":
    from aiosmtpd.main import main

    listen, mail_dir = sys.argv[1:3]
    main(["-n", "-l", listen, "-c", "__main__.RefusingMailbox", mail_dir])
