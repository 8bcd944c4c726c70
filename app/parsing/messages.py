"""The invoices an e-mail carries: its attachments that are documents the service reads.

One reader for every way a message arrives (a mailbox pull, an `.eml` upload, the command line).
Real mail is messy, and each case is decided here once:

* file names encoded by RFC 2231 or RFC 2047, or sent as raw bytes in GB18030/GBK by some Chinese
  mail clients, are decoded;
* a forwarded message (``message/rfc822``) is read for its own attachments;
* a document is known by its content, not its declared type: a PDF sent as
  ``application/octet-stream``, or inline without a file name, is still a PDF;
* an S/MIME-signed message is read for its content; an encrypted or opaque-signed one cannot be;
* a part over the size limit, a TNEF ``winmail.dat`` (Outlook's wrapper) and a message whose MIME
  structure is broken are skipped with a reason, never half-read.

Images count only as attachments (a scan sent by mail), not inline (a logo in the signature).
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.errors import MessageDefect, MultipartInvariantViolationDefect, StartBoundaryNotFoundDefect
from email.message import EmailMessage, Message
from email.utils import parsedate_to_datetime

from app.parsing.einvoice import looks_like_xml

#: What a document's first bytes say it is.
_SIGNATURES = {
    b"%PDF-": "pdf",
    b"PK\x03\x04": "zip",
    b"\xff\xd8\xff": "image",
    b"\x89PNG\r\n\x1a\n": "image",
    b"II*\x00": "image",
    b"MM\x00*": "image",
}
_EXTENSIONS = {"pdf": ".pdf", "xml": ".xml", "zip": ".zip", "image": ".img"}
#: MIME defects after which a message's parts cannot be trusted to be what they seem.
_BROKEN = (MultipartInvariantViolationDefect, StartBoundaryNotFoundDefect)
_OPAQUE_SMIME = {"application/pkcs7-mime", "application/x-pkcs7-mime"}
_TNEF = "application/ms-tnef"
#: How some mailers encode a whole forwarded message, though RFC 2046 allows no encoding there.
_WHOLE_ENCODING = "base64"
#: Forwarded messages inside forwarded messages read, at most.
_MAX_FORWARDS = 5


@dataclass(frozen=True)
class Attachment:
    file_name: str
    data: bytes
    kind: str  # pdf, xml, zip or image


@dataclass(frozen=True)
class Skipped:
    """A part (or, with no file name, the whole message) left out, and why, for the person."""

    file_name: str | None
    code: str
    reason: str


@dataclass
class MessageDocuments:
    sender: str | None = None
    subject: str | None = None
    date: str | None = None  # ISO 8601, when the message states a readable one
    message_id: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


_HEADER_LINE = re.compile(rb"[A-Za-z][A-Za-z0-9-]*:[ \t]")
_MESSAGE_HEADERS = (b"from:", b"mime-version:", b"received:", b"message-id:", b"return-path:")


def looks_like_message(data: bytes) -> bool:
    """An e-mail as saved by a mail client (.eml): header lines first, a From or MIME-Version
    among them, a blank line before the body."""
    head = data[:16384]
    blank = min((at for at in (head.find(b"\r\n\r\n"), head.find(b"\n\n")) if at > 0), default=-1)
    if blank < 0 or not _HEADER_LINE.match(head):
        return False
    headers = head[:blank].lower()
    return any(headers.startswith(name) or b"\n" + name in headers for name in _MESSAGE_HEADERS)


def document_kind(data: bytes) -> str | None:
    """pdf, xml, zip or image by the content's first bytes; None for anything else."""
    head = data[:1024]
    for signature, kind in _SIGNATURES.items():
        if head.startswith(signature):
            return kind
    if b"%PDF-" in head:  # a PDF may start after some junk; a ZIP storing a PDF starts as a ZIP
        return "pdf"
    return "xml" if looks_like_xml(head) else None


def read_message(raw: bytes, *, max_part_bytes: int) -> MessageDocuments:
    """The message's headers and the documents among its parts (see the module's docstring)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    found = MessageDocuments(
        sender=_header(message, "From"),
        subject=_header(message, "Subject"),
        date=_date(message),
        message_id=_header(message, "Message-ID"),
    )
    if _is_broken(message):
        found.skipped.append(
            Skipped(None, "malformed_message", "The message's MIME structure is broken; nothing in it was read.")
        )
        return found
    for number, part in enumerate(_leaves(message), start=1):
        name = _file_name(part)
        content_type = part.get_content_type()
        if content_type in _OPAQUE_SMIME:
            found.skipped.append(
                Skipped(name, "encrypted_message", "An S/MIME encrypted or opaque-signed part cannot be read.")
            )
            continue
        if content_type == _TNEF or (name or "").lower() == "winmail.dat":
            found.skipped.append(
                Skipped(name, "tnef_attachment", "Outlook's winmail.dat wrapper is not read; ask for the PDF itself.")
            )
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or not data:
            continue
        kind = document_kind(data)
        attached = part.get_content_disposition() == "attachment"
        if kind is None or (kind == "image" and not attached) or (kind == "xml" and not (attached or name)):
            continue  # text, HTML, signatures, logos: not a document
        if len(data) > max_part_bytes:
            found.skipped.append(
                Skipped(name, "file_too_large", f"The attachment is larger than the limit of {max_part_bytes:,} bytes.")
            )
            continue
        found.attachments.append(Attachment(name or f"attachment-{number}{_EXTENSIONS[kind]}", data, kind))
    return found


def _leaves(part: Message, depth: int = 0) -> Iterator[Message]:
    """The parts that are not containers, forwarded messages included (also those some mailers
    wrongly encode in base64 as a whole, which the email package does not read as messages)."""
    if part.get_content_type() == "message/rfc822" and _transfer_encoding(part) == _WHOLE_ENCODING:
        inner = _encoded_message(part)
        if inner is not None and depth < _MAX_FORWARDS:
            yield from _leaves(inner, depth + 1)
        return
    if part.is_multipart():
        for child in part.get_payload():
            if isinstance(child, Message):
                yield from _leaves(child, depth + (part.get_content_type() == "message/rfc822"))
        return
    yield part


def _transfer_encoding(part: Message) -> str:
    return str(part.get("Content-Transfer-Encoding", "")).strip().lower()


def _encoded_message(part: Message) -> Message | None:
    """A forwarded message sent base64-encoded, decoded and read."""
    payload = part.get_payload()
    first = payload[0] if isinstance(payload, list) and payload else payload
    text = first.as_string() if isinstance(first, Message) else str(first)
    try:
        raw = base64.b64decode("".join(text.split()), validate=True)
    except (ValueError, binascii.Error):
        return None
    return email.message_from_bytes(raw, policy=email.policy.default)


def part_file_name(mime_header: bytes) -> str | None:
    """The file name a part's MIME header gives (read without its body)."""
    return _file_name(email.message_from_bytes(mime_header, policy=email.policy.default))


def _is_broken(message: Message) -> bool:
    return any(isinstance(defect, _BROKEN) for part in message.walk() for defect in _defects(part))


def _defects(part: Message) -> list[MessageDefect]:
    return list(getattr(part, "defects", []))


def _header(message: EmailMessage, name: str) -> str | None:
    try:
        value = message.get(name)
    except (ValueError, IndexError):  # a header the policy cannot parse
        return None
    text = str(value).strip() if value is not None else ""
    if "\ufffd" in text:  # raw 8-bit bytes, which the parsed header has replaced: read them as sent
        raw = next((str(raw) for header, raw in message.raw_items() if header.lower() == name.lower()), "")
        text = raw.strip() or text
    return _repaired(text) or None


def _date(message: EmailMessage) -> str | None:
    text = _header(message, "Date")
    try:
        return parsedate_to_datetime(text).isoformat() if text else None
    except (TypeError, ValueError):
        return None


def _file_name(part: Message) -> str | None:
    """The part's file name, decoded however it was sent (RFC 2231, RFC 2047 or raw bytes)."""
    try:
        name = part.get_filename()
    except (ValueError, LookupError):  # an unknown charset in its encoding
        name = None
    if name and "\ufffd" in name:  # raw 8-bit bytes, which the parsed header has replaced
        name = _raw_file_name(part) or name
    return _repaired(name.strip()) if name and name.strip() else None


def _raw_file_name(part: Message) -> str | None:
    """The file name as the header's bytes hold it (kept as surrogates by the parser)."""
    for header, value in part.raw_items():
        if header.lower() in ("content-disposition", "content-type"):
            found = re.search(r'(?:file)?name="?([^";\r\n]+)', str(value))
            if found:
                return found.group(1)
    return None


def _repaired(text: str) -> str:
    """Text some mail clients send as raw 8-bit bytes (GB18030/GBK, not declared) arrives with
    the bytes kept as surrogates: read them as UTF-8 if they are, else as GB18030."""
    if not any("\udc80" <= char <= "\udcff" for char in text):
        return text
    raw = text.encode("utf-8", "surrogateescape")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")
