"""A mailbox over POP3 (the standard library's poplib): every message on the server, known by its
UIDL; a message is fetched whole (POP3 has no parts), after its size says it can be. A message
is marked by deleting it, which the server carries out when the session ends cleanly (QUIT), so a
pull that breaks off deletes nothing."""

from __future__ import annotations

import base64
import email
import email.policy
import poplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import parsedate_to_datetime

from app.invoices.archives import BulkLimits
from app.mail.connection import Account, MailError, Reach, checked_address, login_refused, network_error, tls_context
from app.mail.mailbox import Fetched, Marking, Selection, UnreadableMessage
from app.parsing.messages import Skipped

# poplib refuses lines over 2,048 bytes, which real messages have (long HTML lines, unfolded
# headers); a line is still read into memory whole, so the bound stays.
poplib._MAXLINE = 1024 * 1024  # type: ignore[attr-defined]


class Pop3Mailbox:
    def __init__(self, client: poplib.POP3, account: Account) -> None:
        self._client = client
        self.identity = f"pop3:{account.host.lower()}:{account.username}"
        self._numbers: dict[str, int] = {}
        self._sizes: dict[str, int] = {}

    @classmethod
    @contextmanager
    def connect(cls, account: Account, reach: Reach) -> Iterator[Pop3Mailbox]:
        address = checked_address(account, reach)
        context = tls_context(account.host, reach)
        try:
            client: poplib.POP3 = (
                poplib.POP3_SSL(address, account.port, context=context, timeout=reach.timeout_seconds)
                if account.security == "tls"
                else poplib.POP3(address, account.port, timeout=reach.timeout_seconds)
            )
        except (OSError, ssl.SSLError) as exc:
            raise network_error(exc, account) from None
        except poplib.error_proto:  # a greeting that is no POP3 server's
            raise _refused_command(account) from None
        ended = False
        try:
            _log_in(client, account, context)
            yield cls(client, account)
            client.quit()  # deletions take effect now, and only now
            ended = True
        except (TimeoutError, OSError, ssl.SSLError) as exc:
            raise network_error(exc, account) from None
        except (poplib.error_proto, ValueError):  # refused, or an answer that is no POP3 listing
            raise _refused_command(account) from None
        finally:
            if not ended:
                client.close()

    def find(self, selection: Selection, marking: Marking) -> list[str]:
        sizes = {int(number): int(size) for number, size in (line.split() for line in self._client.list()[1])}
        for line in self._client.uidl()[1]:
            number, uid = line.decode("ascii", "replace").split(maxsplit=1)
            self._numbers[uid] = int(number)
            self._sizes[uid] = sizes.get(int(number), 0)
        keys = sorted(self._numbers, key=self._numbers.__getitem__)
        if selection.since is not None:
            keys = [key for key in keys if self._received_since(key, selection)]
        return keys[: selection.max_messages]

    def fetch(self, key: str, limits: BulkLimits) -> Fetched:
        number = self._numbers[key]
        try:
            if self._sizes[key] > limits.max_file_bytes * 4 // 3 + 65536:
                header = _who_and_when(self._client.top(number, 0)[1])
                skipped = Skipped(
                    None,
                    "file_too_large",
                    f"The message is larger than the limit of {limits.max_file_bytes:,} bytes; it was not downloaded.",
                )
                return Fetched(key, header + b"\r\n\r\n", [skipped])
            return Fetched(key, b"\r\n".join(self._client.retr(number)[1]) + b"\r\n")
        except poplib.error_proto as exc:
            raise UnreadableMessage(f"The server would not send this message ({type(exc).__name__}).") from None

    def mark(self, key: str, marking: Marking) -> None:
        if marking.action == "delete":
            self._client.dele(self._numbers[key])

    def _received_since(self, key: str, selection: Selection) -> bool:
        header = b"\r\n".join(self._client.top(self._numbers[key], 0)[1])
        stated = email.message_from_bytes(header, policy=email.policy.compat32).get("Date")
        try:
            return parsedate_to_datetime(str(stated)).date() >= selection.since  # type: ignore[operator]
        except (TypeError, ValueError):
            return True  # no readable date: not excluded by it


def _log_in(client: poplib.POP3, account: Account, context: ssl.SSLContext) -> None:
    if account.security == "starttls":
        try:
            client.stls(context)
        except ssl.SSLError as exc:
            raise network_error(exc, account) from None
        except poplib.error_proto:
            raise MailError("mail_tls_failed", f"{account.host} does not offer STLS on port {account.port}.") from None
    try:
        if account.access_token:
            token = f"user={account.username}\x01auth=Bearer {account.access_token}\x01\x01"
            # poplib has no AUTH: its command primitives send it. A refused token may come back as
            # a challenge ("+ <error details>"), answered with an empty line to get the -ERR.
            answer = client._shortcmd("AUTH XOAUTH2 " + base64.b64encode(token.encode()).decode())  # type: ignore[attr-defined]
            if not answer.startswith(b"+OK"):
                client._putcmd("")  # type: ignore[attr-defined]
                client._getresp()  # type: ignore[attr-defined]
                raise poplib.error_proto("-ERR the token was refused")
        else:
            client.user(account.username)
            client.pass_(account.password or "")
    except poplib.error_proto:
        raise login_refused(account) from None


def _refused_command(account: Account) -> MailError:
    return MailError("mail_server_error", f"The POP3 server at {account.host} refused a command.", retry=True)


_DESCRIBING = (b"from", b"subject", b"date", b"message-id")


def _who_and_when(header_lines: list[bytes]) -> bytes:
    """The header lines that describe a message (with their continuation lines), and none of its
    MIME structure, whose body is not fetched."""
    kept, keeping = [], False
    for line in header_lines:
        if not line[:1].isspace():
            keeping = line.split(b":", 1)[0].strip().lower() in _DESCRIBING
        if keeping:
            kept.append(line)
    return b"\r\n".join(kept)
