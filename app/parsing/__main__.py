"""`python -m app.parsing FILE [FILE...]`: print the parsed invoices as JSON.

Calls the same ``parse_document`` as the API. One file prints its invoice object; several print a
list of {"file", "invoice"} or {"file", "error"}. The exit status is 1 if any file failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.parsing import DocumentError, parse_document


def _parse(path: Path, max_pages: int) -> dict[str, Any]:
    try:
        invoice = parse_document(path.read_bytes(), max_pages=max_pages)
    except DocumentError as exc:
        return {"file": str(path), "error": {"code": exc.code, "message": exc.message}}
    except OSError as exc:
        return {"file": str(path), "error": {"code": "unreadable_file", "message": exc.strerror or str(exc)}}
    return {"file": str(path), "invoice": invoice.model_dump(mode="json")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.parsing", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="invoice PDFs")
    parser.add_argument("--max-pages", type=int, default=50)
    args = parser.parse_args(argv)
    results = [_parse(path, args.max_pages) for path in args.files]
    output: object = results
    if len(results) == 1:
        output = results[0].get("invoice", results[0])
    json.dump(output, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 1 if any("error" in result for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
