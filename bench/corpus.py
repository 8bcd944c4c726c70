"""Run the parsing core over the labelled corpus and score it with the corpus's reference comparer."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from app.config import Settings
from app.ocr.scanned import OcrEngine, parse_with_ocr
from app.parsing import DocumentError, parse_document

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("INVOICE_CORPUS", ROOT.parent / "shared" / "corpus"))


def _reference_comparer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_compare", CORPUS / "tools" / "compare.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Scored:
    entry: dict[str, Any]
    truth: dict[str, Any]
    predicted: dict[str, Any]
    fields: dict[str, bool]
    error: str | None


#: Scanned PDFs are read with Tesseract when it is installed (as with OCR_ENGINE=tesseract).
OCR_ENGINE = OcrEngine(
    "tesseract" if shutil.which("tesseract") else "none", Settings.model_fields["ocr_languages"].default
)
#: Corpus files that are OCR output: they go in as the ``ocr`` part, as a client sends them.
OCR_FORMATS = {"ocr_json", "ocr_text"}


def entries(input_format: str | None = None) -> list[dict[str, Any]]:
    manifest: list[dict[str, Any]] = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    return [e for e in manifest if input_format is None or e["input_format"] == input_format]


def score(entry: dict[str, Any]) -> Scored:
    compare = _reference_comparer().compare
    truth = json.loads((CORPUS / entry["truth"]).read_text(encoding="utf-8"))
    error = None
    try:
        content = (CORPUS / entry["file"]).read_bytes()
        is_ocr = entry["input_format"] in OCR_FORMATS
        invoice = (
            parse_document(None, ocr=content)
            if is_ocr
            else parse_with_ocr(content, ocr=None, max_pages=50, engine=OCR_ENGINE)
        )
        predicted = invoice.model_dump(mode="json")
    except DocumentError as exc:
        predicted, error = {}, exc.code
    return Scored(entry, truth, predicted, compare(truth, predicted), error)
