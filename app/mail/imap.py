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

import secrets
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from app.invoices.archives import BulkLimits
from app.mail.connection import Account, MailError, Reach, checked_address, login_refused, network_error, tls_context
from app.mail.mailbox import Fetched, Marking, Selection, UnreadableMessage
from app.parsing.messages import Skipped, part_file_name

#: Parts that are never documents: the text of the message (unless attached as a file, as an XML
#: e-invoice sent as text/plain may be) and the signatures beside it.
_TEXT = {"text/plain", "text/html"}
_SIGNATURES = {"application/pkcs7-signature", "application/pgp-signature"}
#: Encodings of a forwarded message whose parts the server can outline.
_PLAIN_ENCODINGS = ("7bit", "8bit", "binary", "")
_HEADER_FIELDS = "BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE MESSAGE-ID)]"
#: Bytes of a message its outline may leave out (its header, the parts' headers, boundaries)
#: before the message is read whole: more means the server could not make out its parts.
_UNACCOUNTED_BYTES = 32 * 1024


@dataclass(frozen=True)
class _Part:
    section: str
    content_type: str
    size: int  # as sent (base64 is a third larger than the file)
    mime: str  # the section of its MIME header
    named: bool = False  # sent as a file: a name or an attachment disposition

    @property
    def could_be_document(self) -> bool:
        if self.content_type in _SIGNATURES or self.content_type.startswith("multipart/"):
            return False
        return self.named or self.content_type not in _TEXT

    @property
    def could_be_archive(self) -> bool:
        return "zip" in self.content_type


def _is_multipart(node: Any) -> bool:
    return bool(node) and isinstance(node[0], list | tuple)


def _children(node: Any) -> list[Any]:
    # imapclient gives a multipart's parts as a list first; inside a message/rfc822 they come as
    # the leading tuples of the node (its subtype and parameters follow them)
    if isinstance(node[0], list):
        return list(node[0])
    leading = []
    for child in node:
        if not isinstance(child, tuple | list):
            break
        leading.append(child)
    return leading


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
    if not isinstance(node, tuple | list) or len(node) < 7:
        raise _Unreadable  # not a body structure RFC 3501 allows
    content_type = f"{_text(node[0])}/{_text(node[1])}".lower()
    encoding = _text(node[5]).lower()
    inner = node[8] if len(node) > 8 else None
    if content_type == "message/rfc822" and encoding in _PLAIN_ENCODINGS and isinstance(inner, tuple | list):
        yield from _body_parts(inner, section)  # a forwarded message: its own parts
        return  # (one encoded as a whole, against the rules, is fetched whole for the reader)
    size = node[6] if isinstance(node[6], int) else 0
    yield _Part(section, content_type, size, mime or f"{section}.MIME", named=_named(node))


def _named(node: Any) -> bool:
    """Whether a leaf part was sent as a file: a name among its parameters, or a disposition
    (extension data, after the fields of its type) of attachment or with a file name."""
    parameters = node[2] if isinstance(node[2], tuple | list) else ()
    if any(_text(name).lower().startswith("name") for name in parameters[0::2]):
        return True
    for field in node[7:]:
        if isinstance(field, tuple | list) and field and isinstance(field[0], bytes):
            disposition = field[1] if len(field) > 1 and isinstance(field[1], tuple | list) else ()
            if _text(field[0]).lower() == "attachment" or any(
                _text(name).lower().startswith("filename") for name in disposition[0::2]
            ):
                return True
    return False


class _Unreadable(Exception):
    """The server's outline of a message cannot be read."""


def _text(value: Any) -> str:
    return value.decode("ascii", "replace") if isinstance(value, bytes) else str(value or "")


class ImapMailbox:
    def __init__(self, client: IMAPClient, account: Account, marking: Marking, uid_validity: int) -> None:
        self._client = client
        self._marking = marking
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
        except IMAPClientError:  # a greeting that is no IMAP server's
            raise _refused_command(account) from None
        try:
            _log_in(client, account, context)
            uid_validity = _select(client, account.folder, marking)
            _check_marking(client, marking)
            yield cls(client, account, marking, uid_validity)
        except (TimeoutError, OSError, ssl.SSLError) as exc:
            raise network_error(exc, account) from None
        except IMAPClientError:
            raise _refused_command(account) from None
        finally:
            try:
                client.logout()
            except (IMAPClientError, OSError):
                client.shutdown()

    def find(self, selection: Selection, marking: Marking) -> list[str]:
        criteria: list[Any] = ["NOT", "DELETED"]  # a move that broke off leaves its copy marked so
        if selection.unseen_only:
            criteria.append("UNSEEN")
        if selection.since is not None:
            criteria += ["SINCE", selection.since]
        if marking.action == "keyword":
            criteria += ["NOT", "KEYWORD", marking.keyword]
        uids = sorted(self._client.search(criteria))
        return [str(uid) for uid in uids[: selection.max_messages]]

    def fetch(self, key: str, limits: BulkLimits) -> Fetched:
        uid = int(key)
        try:
            outline = self._client.fetch([uid], ["FLAGS", "BODYSTRUCTURE", "RFC822.SIZE", _HEADER_FIELDS]).get(uid)
            if outline is None or self._done(outline.get(b"FLAGS", ())):
                return Fetched(key, None)  # expunged, moved or marked meanwhile (by another worker)
            parts = list(_body_parts(outline[b"BODYSTRUCTURE"]))
            headers = next((value for name, value in outline.items() if name.startswith(b"BODY[HEADER")), b"")
            return self._documents(key, uid, outline, parts, headers, limits)
        except IMAPClientAbortError:
            raise
        except (IMAPClientError, _Unreadable, KeyError, IndexError, TypeError, ValueError) as exc:
            raise UnreadableMessage(
                f"The server's answer for this message cannot be read ({type(exc).__name__})."
            ) from None

    def _done(self, flags: Any) -> bool:
        marks = {bytes(flag).lower() for flag in flags if isinstance(flag, bytes)}
        keyword = self._marking.keyword.encode().lower() if self._marking.action == "keyword" else None
        return b"\\deleted" in marks or (keyword is not None and keyword in marks)

    def _documents(
        self, key: str, uid: int, outline: dict[bytes, Any], parts: list[_Part], headers: bytes, limits: BulkLimits
    ) -> Fetched:
        candidates = [part for part in parts if part.could_be_document]
        if not candidates:
            # an outline that leaves much of the message out means broken MIME: the e-mail reader
            # reads it whole and says so (or finds what the outline missed)
            unaccounted = int(outline[b"RFC822.SIZE"]) - sum(part.size for part in parts)
            if not _UNACCOUNTED_BYTES < unaccounted <= limits.max_file_bytes:
                return Fetched(key, None)
            whole = self._bounded(uid, "", limits.max_file_bytes)
            return Fetched(key, whole) if whole else Fetched(key, None, [_unavailable(None)])
        wanted, skipped, budget = [], [], _encoded(limits.max_bytes)
        for part in candidates:
            limit = limits.max_bytes if part.could_be_archive else limits.max_file_bytes
            if part.size > _encoded(limit) or part.size > budget:  # not downloaded
                skipped.append((part, limit))
            else:
                wanted.append((part, limit))
                budget -= part.size
        requests = [f"BODY.PEEK[{part.mime}]" for part in candidates]
        requests += [f"BODY.PEEK[{part.section}]<0.{_encoded(limit) + 1}>" for part, limit in wanted]
        found = self._client.fetch([uid], requests).get(uid, {})

        def item(section: str) -> bytes | None:
            value = found.get(f"BODY[{section}]".encode(), found.get(f"BODY[{section}]<0>".encode()))
            return value if isinstance(value, bytes) else None

        kept, missing = [], []
        for part, limit in wanted:
            mime, body = item(part.mime), item(part.section)
            if mime is None or body is None:
                missing.append(_unavailable(part_file_name(mime or b"")))
            elif len(body) > _encoded(limit):  # more than its outline said
                skipped.append((part, limit))
            else:
                kept.append((mime, body))
        too_large = [
            Skipped(
                part_file_name(item(part.mime) or b""),
                "file_too_large",
                f"The attachment is larger than the limit of {limit:,} bytes (or than what one message may "
                "bring); it was not downloaded.",
            )
            for part, limit in skipped
        ]
        return Fetched(key, _message(headers, kept) if kept else headers, too_large + missing)

    def _bounded(self, uid: int, section: str, limit: int) -> bytes | None:
        """A section of the message, or None when the server sends none or more than ``limit``."""
        answer = self._client.fetch([uid], [f"BODY.PEEK[{section}]<0.{limit + 1}>"]).get(uid, {})
        value = next((value for name, value in answer.items() if name.startswith(b"BODY[")), None)
        return value if isinstance(value, bytes) and len(value) <= limit else None

    def mark(self, key: str, marking: Marking) -> None:
        uid = int(key)
        if marking.action == "keyword":
            self._client.add_flags([uid], [marking.keyword.encode()])
        elif marking.action == "move" and marking.folder:
            if self._client.has_capability("MOVE"):
                self._client.move([uid], marking.folder)
            else:  # UIDPLUS (checked on connecting): expunge this message only, no other
                self._client.copy([uid], marking.folder)
                self._client.delete_messages([uid])
                self._client.uid_expunge([uid])


def _encoded(limit: int) -> int:
    """The most bytes a part within ``limit`` takes as sent (base64 and its line ends)."""
    return limit * 4 // 3 + 4096


def _unavailable(name: str | None) -> Skipped:
    return Skipped(
        name, "part_unavailable", "The server did not send this attachment; the message is left for the next pull."
    )


def _refused_command(account: Account) -> MailError:
    return MailError("mail_server_error", f"The IMAP server at {account.host} refused a command.", retry=True)


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
        elif (account.username + (account.password or "")).isascii():
            client.login(account.username, account.password or "")
        else:  # LOGIN takes ASCII only; AUTHENTICATE PLAIN carries UTF-8
            client.plain_login(account.username, account.password or "")
    except LoginError as exc:
        if isinstance(exc.__context__, IMAPClientAbortError | OSError):  # the connection, not the password
            raise network_error(exc.__context__, account) from None
        raise login_refused(account) from None


def _select(client: IMAPClient, folder: str, marking: Marking) -> int:
    try:
        selected = client.select_folder(folder)
    except IMAPClientAbortError:
        raise
    except IMAPClientError:
        names = [name for _, _, name in client.list_folders()][:20]
        raise MailError(
            "mail_folder_not_found", f"There is no folder {folder!r} in this mailbox. Its folders: {', '.join(names)}."
        ) from None
    if marking.action == "keyword":
        permanent = {bytes(flag).lower() for flag in selected.get(b"PERMANENTFLAGS", ()) if isinstance(flag, bytes)}
        if b"\\*" not in permanent and marking.keyword.encode().lower() not in permanent:
            raise MailError(
                "mail_keyword_unsupported",
                f"This server does not keep the keyword {marking.keyword} on messages (Microsoft 365 keeps none), "
                "so imported messages could not be told apart: use mark 'move' (to a folder) instead.",
            )
    return int(selected.get(b"UIDVALIDITY", 0))


def _check_marking(client: IMAPClient, marking: Marking) -> None:
    if marking.action != "move":
        return
    if not client.folder_exists(marking.folder or ""):
        raise MailError("mail_folder_not_found", f"The folder {marking.folder!r} to move messages to does not exist.")
    if not (client.has_capability("MOVE") or client.has_capability("UIDPLUS")):
        raise MailError(
            "mail_move_unsupported",
            "This server can move messages neither at once (MOVE) nor one by one (UIDPLUS); use mark 'keyword'.",
        )


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
