"""`python -m app.parsing FILE [FILE...]`: print the parsed invoices as JSON.

Calls the same ``parse_document`` as the API, with the API's page limit (MAX_PAGES). A PDF or a
CII/UBL XML file is parsed as an upload; any other ``.json`` or ``.txt`` file is read as OCR output,
as the API reads its ``ocr`` part; an e-mail (.eml) stands for the PDFs and XML attached to it,
each named ``<message>/<attachment>`` (the bulk upload's reader, app/parsing/messages.py). One
document prints its invoice object; several print a list of {"file", "invoice"} or
{"file", "error"}. The exit status is 1 if any failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.core.settings import Settings
from app.parsing import DocumentError, parse_document
from app.parsing.einvoice import looks_like_xml
from app.parsing.messages import looks_like_message, read_message
from app.parsing.pdf import looks_like_pdf

#: File endings of OCR output (Baidu-style JSON, Tesseract-style text).
OCR_SUFFIXES = (".json", ".txt")


def _parse(path: Path, max_pages: int) -> list[dict[str, Any]]:
    try:
        content = path.read_bytes()
    except OSError as exc:
        return [{"file": str(path), "error": {"code": "unreadable_file", "message": exc.strerror or str(exc)}}]
    if looks_like_message(content):
        message = read_message(content, max_part_bytes=len(content))
        found = [_parse_one(f"{path}/{a.file_name}", a.data, max_pages) for a in message.attachments]
        skipped = [
            {"file": f"{path}/{s.file_name or '(message)'}", "error": {"code": s.code, "message": s.reason}}
            for s in message.skipped
        ]
        return found + skipped
    is_ocr = path.suffix.lower() in OCR_SUFFIXES and not (looks_like_pdf(content) or looks_like_xml(content))
    return [_parse_one(str(path), content, max_pages, ocr=is_ocr)]


def _parse_one(name: str, content: bytes, max_pages: int, *, ocr: bool = False) -> dict[str, Any]:
    try:
        invoice = parse_document(None, ocr=content) if ocr else parse_document(content, max_pages=max_pages)
    except DocumentError as exc:
        return {"file": name, "error": {"code": exc.code, "message": exc.message}}
    return {"file": name, "invoice": invoice.model_dump(mode="json")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.parsing", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="invoice PDFs, e-invoice XML, OCR output or .eml files")
    parser.add_argument("--max-pages", type=int, help="page limit per document (default: MAX_PAGES, as the API)")
    args = parser.parse_args(argv)
    max_pages = args.max_pages or Settings().max_pages
    results = [result for path in args.files for result in _parse(path, max_pages)]
    output: object = results
    if len(results) == 1:
        output = results[0].get("invoice", results[0])
    json.dump(output, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 1 if any("error" in result for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
