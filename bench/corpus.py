"""Run the parsing core over the labelled corpora and score it with the corpus's reference comparer.

Three corpora sit beside the project (each can be moved with an environment variable):

* ``corpus`` (INVOICE_CORPUS): 63 synthetic invoices, our development set;
* ``einvoice`` (INVOICE_CORPUS_EINVOICE): published e-invoice samples, truth read from their XML;
* ``real`` (INVOICE_CORPUS_REAL): invoices and receipts sent by real companies, labelled by hand.

Their manifests differ; ``entries`` turns each into the same ``Entry``. A truth may name the
fields it scores (``_scored_fields``): the others are not held against the parser.
"""

from __future__ import annotations

import importlib.util
import json
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

from app.core.settings import Settings
from app.ocr.scanned import OcrEngine, parse_with_ocr
from app.parsing import DocumentError, parse_document

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = Path(os.environ.get("INVOICE_CORPUS", SHARED / "corpus"))
CORPORA = {
    "corpus": CORPUS,
    "einvoice": Path(os.environ.get("INVOICE_CORPUS_EINVOICE", SHARED / "corpus-einvoice")),
    "real": Path(os.environ.get("INVOICE_CORPUS_REAL", SHARED / "corpus-real")),
}
KEY_FIELDS = ("vendor", "invoice_number", "invoice_date", "currency", "total_amount")


def _reference_comparer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_compare", CORPUS / "tools" / "compare.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Entry:
    """One labelled document of a corpus."""

    corpus: str
    path: Path
    truth_path: Path
    input_format: str
    #: Who made the document (a layout family, a sample collection or an issuer): the unit that
    #: the leave-one-source-out figure leaves out.
    source: str
    locale: str
    tags: tuple[str, ...] = ()
    #: Documents of the same invoice share a group (an e-invoice's XML, its PDF, its PDF stripped).
    group: str | None = None

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class Scored:
    entry: Entry
    truth: dict[str, Any]
    predicted: dict[str, Any]
    #: Only the fields the truth scores.
    fields: dict[str, bool]
    error: str | None

    @property
    def real_values(self) -> list[bool]:
        """Right or wrong for each scored field whose truth has a value."""
        return [ok for name, ok in self.fields.items() if _has_value(self.truth.get(name))]

    @property
    def key_right(self) -> bool:
        return all(self.fields.get(name, True) for name in KEY_FIELDS)


def _has_value(value: object) -> bool:
    return value not in (None, [], "")


#: Scanned PDFs are read as the service reads them by default (OCR_ENGINE=auto: the local engines installed).
OCR_ENGINE = OcrEngine("auto", Settings.model_fields["ocr_languages"].default)
#: Corpus files that are OCR output: they go in as the ``ocr`` part, as a client sends them.
OCR_FORMATS = {"ocr_json", "ocr_text"}


def _manifest(root: Path) -> list[dict[str, Any]]:
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    return manifest["documents"] if isinstance(manifest, dict) else manifest


def _entry(corpus: str, root: Path, raw: dict[str, Any]) -> Entry:
    # corpus and corpus-real name files from the corpus root, corpus-einvoice from its docs/
    path, truth = (root / raw[key] if "/" in raw[key] else root / "docs" / raw[key] for key in ("file", "truth"))
    source = raw.get("layout") or raw.get("issuer") or raw.get("source") or corpus
    locale, tags = raw.get("locale", "-"), tuple(raw.get("tags", ()))
    return Entry(corpus, path, truth, raw["input_format"], f"{corpus}:{source}", locale, tags, raw.get("group"))


def available() -> list[str]:
    """The corpora found on this machine."""
    return [name for name, root in CORPORA.items() if (root / "manifest.json").is_file()]


def entries(input_format: str | None = None, corpus: str = "corpus") -> list[Entry]:
    root = CORPORA[corpus]
    return [
        entry
        for entry in (_entry(corpus, root, raw) for raw in _manifest(root))
        if input_format is None or entry.input_format == input_format
    ]


def predict(entry: Entry) -> tuple[dict[str, Any], str | None]:
    """The parser's invoice for one document as JSON, or the code of the error it answered."""
    try:
        content = entry.path.read_bytes()
        if entry.input_format in OCR_FORMATS:
            invoice = parse_document(None, ocr=content)
        elif entry.path.suffix == ".xml":
            invoice = parse_document(content)
        else:
            invoice = parse_with_ocr(content, ocr=None, max_pages=50, engine=OCR_ENGINE)
    except DocumentError as exc:
        return {}, exc.code
    return invoice.model_dump(mode="json"), None


def score(entry: Entry) -> Scored:
    truth = json.loads(entry.truth_path.read_text(encoding="utf-8"))
    predicted, error = predict(entry)
    return judge(entry, truth, predicted, error)


def judge(entry: Entry, truth: dict[str, Any], predicted: dict[str, Any], error: str | None) -> Scored:
    truth, predicted = _zero_is_none(_any_description_allowed(truth, predicted)), _zero_is_none(predicted)
    fields = _reference_comparer().compare(truth, predicted)
    scored = truth.get("_scored_fields")
    if scored is not None:
        fields = {name: ok for name, ok in fields.items() if name in scored}
    return Scored(entry, truth, predicted, fields, error)


#: A discount or shipping of zero and none mean the same thing (corpus-einvoice's rule).
_ZERO_IS_NONE = ("discount_amount", "shipping_amount")


def _zero_is_none(invoice: dict[str, Any]) -> dict[str, Any]:
    zeros = [name for name in _ZERO_IS_NONE if invoice.get(name) is not None and Decimal(str(invoice[name])) == 0]
    return {**invoice, **dict.fromkeys(zeros)} if zeros else invoice


def _any_description_allowed(truth: dict[str, Any], predicted: dict[str, Any]) -> dict[str, Any]:
    """A truth line item whose description is null accepts any description (corpus-real's rule)."""
    lines, found = truth.get("line_items") or [], predicted.get("line_items") or []
    if not any(line.get("description") is None for line in lines):
        return truth
    filled = [
        {**line, "description": other.get("description") or ""} if line.get("description") is None else line
        for line, other in zip(lines, found + [{}] * len(lines), strict=False)
    ]
    return {**truth, "line_items": filled}
