"""`python -m app.parsing FILE [FILE...]`: print the parsed invoices as JSON.

Calls the same ``parse_document`` as the API, with the API's page limit (MAX_PAGES). A PDF or a
CII/UBL XML file is parsed as an upload; any other ``.json`` or ``.txt`` file is read as OCR output,
as the API reads its ``ocr`` part. One file prints its invoice object; several print a list of
{"file", "invoice"} or {"file", "error"}. The exit status is 1 if any file failed.
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
from app.parsing.pdf import looks_like_pdf

#: File endings of OCR output (Baidu-style JSON, Tesseract-style text).
OCR_SUFFIXES = (".json", ".txt")


def _parse(path: Path, max_pages: int) -> dict[str, Any]:
    try:
        content = path.read_bytes()
        is_ocr = path.suffix.lower() in OCR_SUFFIXES and not (looks_like_pdf(content) or looks_like_xml(content))
        invoice = parse_document(None, ocr=content) if is_ocr else parse_document(content, max_pages=max_pages)
    except DocumentError as exc:
        return {"file": str(path), "error": {"code": exc.code, "message": exc.message}}
    except OSError as exc:
        return {"file": str(path), "error": {"code": "unreadable_file", "message": exc.strerror or str(exc)}}
    return {"file": str(path), "invoice": invoice.model_dump(mode="json")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.parsing", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="invoice PDFs, e-invoice XML or OCR output files")
    parser.add_argument("--max-pages", type=int, help="page limit per document (default: MAX_PAGES, as the API)")
    args = parser.parse_args(argv)
    max_pages = args.max_pages or Settings().max_pages
    results = [_parse(path, max_pages) for path in args.files]
    output: object = results
    if len(results) == 1:
        output = results[0].get("invoice", results[0])
    json.dump(output, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 1 if any("error" in result for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
