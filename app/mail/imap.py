"""A mailbox over IMAP (imapclient): search on the server, fetch only the parts that can be
documents, mark with a keyword or a move.

A message is first read as its BODYSTRUCTURE, the server's outline of its parts: a message with
no part that could be a document (text, HTML, signatures) is never downloaded, and a part over
the size limit is skipped with a reason without being downloaded. The parts that could be
documents are fetched with their MIME headers and put together, under the message's own From,
Subject, Date and Message-ID, into a small message that the e-mail reader
(app/parsing/messages.py) reads like any other. Fetching uses BODY.PEEK, so nothing is marked as
read by the pull itself.
"""

from __future__ import annotations

import re
import secrets
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from app.mail.connection import Account, MailError, Reach, checked_address, login_refused, network_error, tls_context
from app.mail.mailbox import Fetched, Marking, Selection
from app.parsing.messages import Skipped, part_file_name

#: Parts that are never documents: the text of the message and the signatures beside it.
_NOT_DOCUMENTS = {"text/plain", "text/html", "application/pkcs7-signature", "application/pgp-signature"}
#: Encodings of a forwarded message whose parts the server can outline.
_PLAIN_ENCODINGS = ("7bit", "8bit", "binary", "")
_HEADER_FIELDS = b"BODY[HEADER.FIELDS (FROM SUBJECT DATE MESSAGE-ID)]"
#: Bytes of a message its outline may leave out (its header, the parts' headers, boundaries)
#: before the message is read whole: more means the server could not make out its parts.
_UNACCOUNTED_BYTES = 32 * 1024
#: An IMAP keyword is an atom: letters, digits and a few signs, optionally after a "$".
KEYWORD = re.compile(r"^\$?[A-Za-z0-9_.-]{1,64}$")


@dataclass(frozen=True)
class _Part:
    section: str
    content_type: str
    size: int  # as sent (base64 is a third larger than the file)
    mime: str  # the section of its MIME header

    @property
    def could_be_document(self) -> bool:
        return self.content_type not in _NOT_DOCUMENTS and not self.content_type.startswith("multipart/")


def _is_multipart(node: Any) -> bool:
    return bool(node) and isinstance(node[0], list | tuple)


def _children(node: Any) -> list[Any]:
    # imapclient gives a multipart's parts as a list first; inside a message/rfc822 they come as
    # the leading tuples of the node
    return list(node[0]) if isinstance(node[0], list) else [child for child in node if isinstance(child, tuple)]


def _section(base: str, number: int) -> str:
    return f"{base}.{number}" if base else str(number)


def _body_parts(body: Any, base: str = "") -> Iterator[_Part]:
    """The leaf parts of a message's body (the whole message, or one inside message/rfc822)."""
    if _is_multipart(body):
        for number, child in enumerate(_children(body), start=1):
            yield from _parts(child, _section(base, number))
    else:  # a single-part body: its MIME header is the message's header
        yield from _parts(body, _section(base, 1), mime=f"{base}.HEADER" if base else "HEADER")


def _parts(node: Any, section: str, mime: str | None = None) -> Iterator[_Part]:
    if _is_multipart(node):
        for number, child in enumerate(_children(node), start=1):
            yield from _parts(child, f"{section}.{number}")
        return
    content_type = f"{_text(node[0])}/{_text(node[1])}".lower()
    encoding = _text(node[5]).lower() if len(node) > 5 else ""
    if content_type == "message/rfc822" and encoding in _PLAIN_ENCODINGS and isinstance(node[8], tuple | list):
        yield from _body_parts(node[8], section)  # a forwarded message: its own parts
        return  # (one encoded as a whole, against the rules, is fetched whole for the reader)
    size = node[6] if len(node) > 6 and isinstance(node[6], int) else 0
    yield _Part(section, content_type, size, mime or f"{section}.MIME")


def _text(value: Any) -> str:
    return value.decode("ascii", "replace") if isinstance(value, bytes) else str(value or "")


class ImapMailbox:
    def __init__(self, client: IMAPClient, account: Account, uid_validity: int) -> None:
        self._client = client
        self.identity = f"imap:{account.host.lower()}:{account.username}:{account.folder}:{uid_validity}"

    @classmethod
    @contextmanager
    def connect(cls, account: Account, reach: Reach, marking: Marking) -> Iterator[ImapMailbox]:
        address = checked_address(account, reach)
        context = tls_context(account.host, reach)
        try:
            client = IMAPClient(
                address,
                port=account.port,
                ssl=account.security == "tls",
                ssl_context=context,
                timeout=reach.timeout_seconds,
            )
        except (OSError, ssl.SSLError) as exc:
            raise network_error(exc, account) from None
        try:
            _log_in(client, account, context)
            uid_validity = _select(client, account.folder)
            if marking.action == "move" and not client.folder_exists(marking.folder or ""):
                raise MailError(
                    "mail_folder_not_found", f"The folder {marking.folder!r} to move messages to does not exist."
                )
            yield cls(client, account, uid_validity)
        except (TimeoutError, OSError, ssl.SSLError) as exc:
            raise network_error(exc, account) from None
        except IMAPClientError as exc:
            raise MailError(
                "mail_server_error", f"The IMAP server refused a command ({type(exc).__name__}).", retry=True
            ) from None
        finally:
            try:
                client.logout()
            except (IMAPClientError, OSError):
                client.shutdown()

    def find(self, selection: Selection, marking: Marking) -> list[str]:
        criteria: list[Any] = []
        if selection.unseen_only:
            criteria.append("UNSEEN")
        if selection.since is not None:
            criteria += ["SINCE", selection.since]
        if marking.action == "keyword":
            criteria += ["NOT", "KEYWORD", marking.keyword]
        uids = sorted(self._client.search(criteria or ["ALL"]))
        return [str(uid) for uid in uids[: selection.max_messages]]

    def fetch(self, key: str, *, max_part_bytes: int) -> Fetched:
        uid = int(key)
        outline = self._client.fetch(
            [uid], ["BODYSTRUCTURE", "RFC822.SIZE", _HEADER_FIELDS.replace(b"BODY[", b"BODY.PEEK[")]
        ).get(uid)
        if outline is None:
            return Fetched(key, None)  # expunged meanwhile
        parts = list(_body_parts(outline[b"BODYSTRUCTURE"]))
        candidates = [part for part in parts if part.could_be_document]
        if not candidates:
            # an outline that leaves much of the message out means broken MIME: the e-mail reader
            # reads it whole and says so (or finds what the outline missed)
            unaccounted = int(outline[b"RFC822.SIZE"]) - sum(part.size for part in parts)
            whole = _UNACCOUNTED_BYTES < unaccounted <= max_part_bytes
            return Fetched(key, self._item(uid, "BODY.PEEK[]", b"BODY[]") if whole else None)
        # larger than any part within the limit, even as base64: not downloaded
        too_large = [part for part in candidates if part.size > max_part_bytes * 4 // 3 + 4096]
        wanted = [part for part in candidates if part not in too_large]
        found = self._client.fetch(
            [uid],
            [f"BODY.PEEK[{part.mime}]" for part in candidates] + [f"BODY.PEEK[{part.section}]" for part in wanted],
        ).get(uid, {})

        def item(section: str) -> bytes:
            value = found.get(f"BODY[{section}]".encode())
            return value if isinstance(value, bytes) else b""

        headers: bytes = outline[_HEADER_FIELDS]
        raw = _message(headers, [(item(part.mime), item(part.section)) for part in wanted]) if wanted else headers
        skipped = [
            Skipped(
                part_file_name(item(part.mime)),
                "file_too_large",
                f"The attachment is larger than the limit of {max_part_bytes:,} bytes; it was not downloaded.",
            )
            for part in too_large
        ]
        return Fetched(key, raw, skipped)

    def _item(self, uid: int, request: str, answer: bytes) -> bytes | None:
        value = self._client.fetch([uid], [request]).get(uid, {}).get(answer)
        return value if isinstance(value, bytes) else None

    def mark(self, key: str, marking: Marking) -> None:
        uid = int(key)
        if marking.action == "keyword":
            self._client.add_flags([uid], [marking.keyword.encode()])
        elif marking.action == "move" and marking.folder:
            if self._client.has_capability("MOVE"):
                self._client.move([uid], marking.folder)
            else:
                self._client.copy([uid], marking.folder)
                self._client.delete_messages([uid])
                self._client.uid_expunge([uid]) if self._client.has_capability("UIDPLUS") else self._client.expunge()


def _log_in(client: IMAPClient, account: Account, context: ssl.SSLContext) -> None:
    if account.security == "starttls":
        try:
            client.starttls(context)
        except ssl.SSLError as exc:
            raise network_error(exc, account) from None
        except IMAPClientError:
            raise MailError(
                "mail_tls_failed", f"{account.host} does not offer STARTTLS on port {account.port}."
            ) from None
    try:
        if account.access_token:
            client.oauth2_login(account.username, account.access_token)
        else:
            client.login(account.username, account.password or "")
    except LoginError:
        raise login_refused(account) from None


def _select(client: IMAPClient, folder: str) -> int:
    try:
        selected = client.select_folder(folder)
    except IMAPClientError:
        names = [name for _, _, name in client.list_folders()][:20]
        raise MailError(
            "mail_folder_not_found", f"There is no folder {folder!r} in this mailbox. Its folders: {', '.join(names)}."
        ) from None
    return int(selected.get(b"UIDVALIDITY", 0))


def _message(headers: bytes, parts: list[tuple[bytes, bytes]]) -> bytes:
    """A multipart message of the original's headers and the fetched parts."""
    boundary = b"part-" + secrets.token_hex(16).encode()
    out = [
        headers.rstrip(b"\r\n") + b"\r\n",
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n',
    ]
    for mime, body in parts:
        out += [b"--" + boundary + b"\r\n", mime.rstrip(b"\r\n") + b"\r\n\r\n", body, b"\r\n"]
    out.append(b"--" + boundary + b"--\r\n")
    return b"".join(out)
