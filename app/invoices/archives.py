"""Unpacking the parts of a bulk upload into documents, in memory, under limits.

A ZIP is opened from bytes and only its central directory is trusted for the limits: the sizes it
declares bound what zipfile will ever return for an entry (reading stops at the declared size and
a mismatch fails the CRC check), so the whole upload's size is known before anything is inflated.
A problem with one file (or one entry) becomes that file's error; only limits of the request as a
whole refuse the request.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, replace

from app.core.errors import AppError
from app.core.settings import Settings
from app.parsing.messages import MessageDocuments, looks_like_message, read_message

#: Entries an archiver adds beside the documents (macOS resource forks, Finder and Explorer files).
_JUNK_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}

#: Signatures of archive formats, to refuse archives inside archives (and unreadable top-level ones).
_ARCHIVE_SIGNATURES = {
    b"PK\x03\x04": "ZIP",
    b"PK\x05\x06": "ZIP",
    b"\x1f\x8b": "gzip",
    b"BZh": "bzip2",
    b"\xfd7zXZ\x00": "xz",
    b"7z\xbc\xaf\x27\x1c": "7-Zip",
    b"Rar!\x1a\x07": "RAR",
}

#: Entries smaller than this are never refused for their compression ratio (a page of blank XML
#: compresses very well and is harmless); a bomb needs size to do harm.
RATIO_FLOOR_BYTES = 1024 * 1024


@dataclass(frozen=True)
class BulkLimits:
    max_files: int
    max_bytes: int
    max_file_bytes: int
    max_entries: int
    max_ratio: float


def bulk_limits(settings: Settings) -> BulkLimits:
    """The limits the settings set for one request's (or one message's) documents."""
    return BulkLimits(
        max_files=settings.bulk_max_files,
        max_bytes=settings.bulk_max_bytes,
        max_file_bytes=settings.max_upload_bytes,
        max_entries=settings.zip_max_entries,
        max_ratio=settings.zip_max_ratio,
    )


@dataclass(frozen=True)
class Upload:
    """One uploaded part: its file name and bytes, and whether the client marked it as a ZIP."""

    file_name: str | None
    data: bytes
    declared_zip: bool = False


@dataclass(frozen=True)
class Document:
    """A document to parse, or the reason it will not be (``error``)."""

    file_name: str | None
    data: bytes = b""
    error: AppError | None = None


def archive_kind(data: bytes) -> str | None:
    """The archive format ``data`` starts with (ZIP, gzip, ... also tar), or None."""
    for signature, kind in _ARCHIVE_SIGNATURES.items():
        if data.startswith(signature):
            return kind
    if data[257:262] == b"ustar":
        return "tar"
    return None


def is_zip_upload(upload: Upload) -> bool:
    """A ZIP to unpack: ZIP bytes sent as one (named *.zip, a zip media type or part 'zip') or
    with no name at all. ZIP-based files under another name (.docx, .xlsx) are documents, and are
    refused as such."""
    if archive_kind(upload.data) != "ZIP":
        return False
    return upload.declared_zip or not upload.file_name or upload.file_name.lower().endswith(".zip")


def unpack(uploads: Iterable[Upload], limits: BulkLimits, *, room: int) -> list[Document]:
    """Every document of the upload in order: plain files as they are, ZIP entries in archive
    order. Raises a 413 AppError when the request as a whole passes a limit, or needs more than
    the ``room`` left where the invoices will be kept, checked before an archive is inflated."""
    documents: list[Document] = []
    budget = limits.max_bytes
    for upload in uploads:
        if is_zip_upload(upload):
            found = _unpack_zip(upload, limits, budget, room - _bytes(documents))
        elif looks_like_message(upload.data):
            found = _unpack_message(upload, limits, budget, room - _bytes(documents))
        elif kind := archive_kind(upload.data):
            found = [Document(upload.file_name, error=_unsupported_archive(kind))]
        elif len(upload.data) > limits.max_file_bytes:
            found = [Document(upload.file_name, error=_file_too_large(len(upload.data), limits))]
        else:
            found = [Document(upload.file_name, upload.data)]
        documents.extend(found)
        budget -= _bytes(found)
        if _bytes(documents) > room:
            raise _no_room(_bytes(documents), room)
        if budget < 0:
            raise AppError(
                "upload_too_large",
                f"The documents of this request come to more than {limits.max_bytes:,} bytes once "
                "unpacked. Split the upload into several requests.",
            )
        if len(documents) > limits.max_files:
            raise AppError(
                "too_many_files",
                f"At most {limits.max_files} documents are accepted in one request (files inside ZIPs "
                "count one by one). Split the upload into several requests.",
            )
    return documents


def _unpack_message(upload: Upload, limits: BulkLimits, budget: int, room: int) -> list[Document]:
    """The documents attached to an uploaded e-mail, each named after the message."""
    name = upload.file_name or "message.eml"
    message = read_message(upload.data, max_part_bytes=max(limits.max_file_bytes, limits.max_bytes))
    documents = message_documents(message, limits, budget=budget, room=room)
    if not documents:
        nothing = "The e-mail has no PDF, e-invoice XML, image or ZIP attached."
        return [Document(name, error=AppError("no_documents_in_message", nothing))]
    return [replace(document, file_name=f"{name}/{document.file_name}") for document in documents]


def message_documents(message: MessageDocuments, limits: BulkLimits, *, budget: int, room: int) -> list[Document]:
    """The documents attached to a message read by app/parsing/messages.py, named by their file
    names: a ZIP among them unpacked as one sent alone (its entries named by their path), an image
    kept as a scan, and what was skipped or is too large kept with its reason."""
    documents: list[Document] = []
    for attachment in message.attachments:
        if attachment.kind == "zip":
            zipped = Upload(file_name=attachment.file_name, data=attachment.data, declared_zip=True)
            documents.extend(_unpack_zip(zipped, limits, budget - _bytes(documents), room - _bytes(documents)))
        elif len(attachment.data) > limits.max_file_bytes:
            documents.append(Document(attachment.file_name, error=_file_too_large(len(attachment.data), limits)))
        else:
            documents.append(Document(attachment.file_name, attachment.data))
    for skipped in message.skipped:
        documents.append(Document(skipped.file_name or "(message)", error=AppError(skipped.code, skipped.reason)))
    return documents


def _bytes(documents: Iterable[Document]) -> int:
    return sum(len(document.data) for document in documents)


def _no_room(needed: int, room: int) -> AppError:
    mib = 1024 * 1024
    return AppError(
        "session_full",
        f"These documents need {needed / mib:.1f} MiB, but only {max(room, 0) / mib:.1f} MiB can be kept now. "
        "Delete invoices you no longer need, upload fewer at once, or start a new session.",
    )


#: Central-directory bytes allowed per accepted entry: a real entry takes 46 bytes and its name
#: (and extra fields); the reader holds ~12 times the directory's size in memory while listing it.
_DIRECTORY_BYTES_PER_ENTRY = 1024
_END_OF_DIRECTORY = b"PK\x05\x06"
_ZIP64_LOCATOR, _ZIP64_END = b"PK\x06\x07", b"PK\x06\x06"


def _declared_directory(data: bytes) -> tuple[int, int]:
    """The entries and central-directory bytes an archive's end record declares (ZIP64 included),
    read before zipfile lists the whole directory: a million tiny entries cost it 600 MB."""
    at = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - 22 - 0xFFFF))
    if at < 0:
        return 0, 0
    entries, size = int.from_bytes(data[at + 10 : at + 12], "little"), int.from_bytes(data[at + 12 : at + 16], "little")
    if at >= 20 and data[at - 20 : at - 16] == _ZIP64_LOCATOR:
        record = int.from_bytes(data[at - 12 : at - 4], "little")
        if data[record : record + 4] == _ZIP64_END:
            entries = int.from_bytes(data[record + 32 : record + 40], "little")
            size = int.from_bytes(data[record + 40 : record + 48], "little")
    return entries, size


def _too_many_entries(name: str, entries: int, limits: BulkLimits) -> Document:
    return Document(
        name,
        error=AppError(
            "too_many_entries",
            f"The archive lists {entries:,} entries (or a directory as large); at most {limits.max_entries:,} "
            "are accepted. Split it into smaller archives.",
        ),
    )


def _unpack_zip(upload: Upload, limits: BulkLimits, budget: int, room: int) -> list[Document]:
    name = upload.file_name or "archive.zip"
    entries_declared, directory_bytes = _declared_directory(upload.data)
    if entries_declared > limits.max_entries or directory_bytes > limits.max_entries * _DIRECTORY_BYTES_PER_ENTRY:
        return [_too_many_entries(name, max(entries_declared, directory_bytes // 46), limits)]
    try:
        archive = zipfile.ZipFile(io.BytesIO(upload.data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return [Document(name, error=_invalid_archive(name, "its directory cannot be read"))]
    if len(entries) > limits.max_entries:
        return [_too_many_entries(name, len(entries), limits)]
    wanted = [entry for entry in entries if not entry.is_dir() and not _is_junk(entry.filename)]
    declared = sum(entry.file_size for entry in wanted if _entry_refusal(entry, limits) is None)
    if declared > budget:
        raise AppError(
            "upload_too_large",
            f"The archive {name!r} unpacks to {declared:,} bytes, more than the {limits.max_bytes:,} bytes "
            "one request may hold. Split it into smaller archives.",
        )
    if declared > room:
        raise _no_room(declared, room)
    return [_read_entry(archive, entry, limits) for entry in wanted]


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limits: BulkLimits) -> Document:
    refusal = _entry_refusal(entry, limits)
    if refusal is not None:
        return Document(entry.filename, error=refusal)
    try:
        data = archive.read(entry)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as exc:
        unreadable = isinstance(exc, NotImplementedError)
        reason = "it uses a compression method this service cannot read" if unreadable else "it is damaged"
        return Document(entry.filename, error=_invalid_archive(entry.filename, reason))
    if kind := archive_kind(data):
        return Document(
            entry.filename,
            error=AppError(
                "nested_archive",
                f"This entry is itself a {kind} archive; archives inside archives are not unpacked. "
                "Put its documents in the outer ZIP.",
            ),
        )
    return Document(entry.filename, data)


def _entry_refusal(entry: zipfile.ZipInfo, limits: BulkLimits) -> AppError | None:
    """Why an entry is refused from its directory record alone, before it is inflated."""
    if entry.flag_bits & 0x1:
        return AppError(
            "encrypted_archive_entry",
            "This entry is password-protected; send the archive without a password.",
        )
    if entry.file_size > limits.max_file_bytes:
        return _file_too_large(entry.file_size, limits)
    if entry.file_size > RATIO_FLOOR_BYTES and entry.file_size > limits.max_ratio * max(entry.compress_size, 1):
        return AppError(
            "suspicious_compression",
            f"This entry expands more than {limits.max_ratio:g} times its compressed size, as a zip bomb "
            "does; it was not unpacked.",
        )
    return None


def _is_junk(path: str) -> bool:
    base = posixpath.basename(path.rstrip("/"))
    return path.startswith("__MACOSX/") or base.startswith("._") or base.lower() in _JUNK_NAMES


def _invalid_archive(name: str, reason: str) -> AppError:
    return AppError("invalid_archive", f"The ZIP entry or archive {name!r} cannot be unpacked: {reason}.")


def _unsupported_archive(kind: str) -> AppError:
    return AppError(
        "unsupported_archive",
        f"This is a {kind} archive; only ZIP archives are unpacked. Send a ZIP or the files themselves.",
    )


def _file_too_large(size: int, limits: BulkLimits) -> AppError:
    return AppError(
        "file_too_large",
        f"This document is {size:,} bytes (unpacked), more than the limit of {limits.max_file_bytes:,} bytes.",
    )
