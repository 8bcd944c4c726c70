"""What the session keeps of an invoice's inputs: the document, the OCR output, or both.

The store keeps one original per invoice. An invoice parsed from a PDF and its OCR output needs
both kept: reprocessing reads the fields from the OCR again (or from new OCR output, which is then
kept in its place), and printing shows the PDF. Both are packed into that one original, the
document's length first.
"""

from __future__ import annotations

from dataclasses import dataclass

_MAGIC = b"\x00invoice-inputs-1\x00"
_LENGTH_BYTES = 8


@dataclass(frozen=True)
class Inputs:
    document: bytes | None
    ocr: bytes | None


def pack(inputs: Inputs) -> bytes:
    document = inputs.document or b""
    return _MAGIC + len(document).to_bytes(_LENGTH_BYTES, "big") + document + (inputs.ocr or b"")


def unpack(original: bytes) -> Inputs:
    """The inputs packed in ``original``; a document or OCR output kept before the packing was
    introduced is a document (OCR-only invoices are told apart by their input format)."""
    if not original.startswith(_MAGIC):
        return Inputs(document=original or None, ocr=None)
    start = len(_MAGIC) + _LENGTH_BYTES
    length = int.from_bytes(original[len(_MAGIC) : start], "big")
    return Inputs(document=original[start : start + length] or None, ocr=original[start + length :] or None)
