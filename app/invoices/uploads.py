"""Reading multipart uploads as a stream, in memory, with limits enforced while bytes arrive.

Starlette's form parser spools files to disk with no size cap; this reads the request body chunk
by chunk through python-multipart and stops with a 413 as soon as a part or the whole body passes
its limit, so an oversized upload is never held in memory or written anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from app.core.errors import AppError

#: Room for multipart boundaries and part headers on top of the file bytes themselves.
ENVELOPE_BYTES = 64 * 1024
PART_HEADER_BYTES = 1024


def multipart_room(content_bytes: int, parts: int) -> int:
    """The body a multipart upload of ``content_bytes`` in ``parts`` parts may take, envelope included."""
    return content_bytes + ENVELOPE_BYTES + parts * PART_HEADER_BYTES


@dataclass(frozen=True)
class FormParts:
    """The parts an endpoint takes, and how to tell a client who sends another."""

    names: frozenset[str]
    hint: str


@dataclass
class UploadedPart:
    name: str
    filename: str | None
    content_type: str | None
    data: bytearray = field(default_factory=bytearray)


def _too_large(limit: int, what: str, field_name: str | None = None) -> AppError:
    return AppError(
        "file_too_large",
        f"{what} is larger than the limit of {limit:,} bytes. Upload a smaller file.",
        field=field_name,
    )


class _PartCollector:
    def __init__(self, form: FormParts, *, max_part_bytes: int, max_parts: int) -> None:
        self.form = form
        self.max_part_bytes = max_part_bytes
        self.max_parts = max_parts
        self.parts: list[UploadedPart] = []
        self._headers: dict[bytes, bytes] = {}
        self._header_name = bytearray()
        self._header_value = bytearray()

    def on_part_begin(self) -> None:
        self._headers = {}

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[bytes(self._header_name).lower()] = bytes(self._header_value)
        self._header_name.clear()
        self._header_value.clear()

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        content_type = self._headers.get(b"content-type")
        if name not in self.form.names:  # said before any count or size, which would mislead
            raise AppError("unexpected_part", f"Unexpected form part {name!r}. {self.form.hint}", field=name)
        if len(self.parts) >= self.max_parts:
            raise AppError("too_many_files", f"At most {self.max_parts} parts are accepted in one request.")
        self.parts.append(
            UploadedPart(
                name=name,
                filename=filename.decode("utf-8", "replace") if filename is not None else None,
                content_type=content_type.decode("latin-1") if content_type else None,
            )
        )

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        part = self.parts[-1]
        if len(part.data) + (end - start) > self.max_part_bytes:
            raise _too_large(self.max_part_bytes, f"The part '{part.name}'", part.name)
        part.data += data[start:end]


async def read_multipart(
    request: Request, form: FormParts, *, max_part_bytes: int, max_parts: int, max_body_bytes: int | None = None
) -> list[UploadedPart]:
    """Read a multipart/form-data body into memory, refusing it while streaming if it is too big
    (any part over ``max_part_bytes``, or the body over ``max_body_bytes``: by default room for
    ``max_parts`` parts of the largest size) or holds a part ``form`` does not name."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise AppError(
            "unsupported_media_type",
            "Send the upload as multipart/form-data (curl -F name=@file); /docs names the parts.",
        )
    max_body = multipart_room(max_body_bytes or max_parts * max_part_bytes, max_parts)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_body:
        raise _too_large(max_body, "The request")

    collector = _PartCollector(form, max_part_bytes=max_part_bytes, max_parts=max_parts)
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": collector.on_part_begin,
            "on_header_field": collector.on_header_field,
            "on_header_value": collector.on_header_value,
            "on_header_end": collector.on_header_end,
            "on_headers_finished": collector.on_headers_finished,
            "on_part_data": collector.on_part_data,
        },
    )
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_body:
                raise _too_large(max_body, "The request")
            parser.write(chunk)
        parser.finalize()
    except FormParserError:
        raise AppError(
            "malformed_multipart", "The multipart body could not be read; check how it is encoded."
        ) from None
    except ClientDisconnect:
        raise AppError("upload_incomplete", "The upload ended before the whole file arrived.") from None
    return collector.parts
