"""Accuracy floor on the corpus's text PDFs, so extraction quality cannot silently drop."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import CORPUS, need

#: The share of the corpus's text PDFs each field must get right: today's figures (bench/accuracy.py)
#: less a small margin. Raise them as extraction improves; never lower them to make a change pass.
FLOORS = {
    "vendor": 0.93,
    "vendor_tax_id": 0.97,
    "buyer": 0.97,
    "buyer_tax_id": 0.97,
    "invoice_number": 0.97,
    "invoice_date": 0.97,
    "due_date": 0.97,
    "currency": 0.98,
    "subtotal": 0.97,
    "tax_amount": 0.95,
    "discount_amount": 0.97,
    "shipping_amount": 0.97,
    "total_amount": 0.97,
    "line_items": 0.95,
}


@pytest.fixture(scope="module")
def scored() -> list[object]:
    need((CORPUS / "manifest.json").is_file(), f"corpus at {CORPUS}")
    from bench.corpus import entries, score

    return [score(entry) for entry in entries("pdf_text")]


@pytest.mark.parametrize("field", sorted(FLOORS))
def test_field_accuracy_floor(scored: list[object], field: str) -> None:
    results = [s.fields[field] for s in scored]  # type: ignore[attr-defined]
    assert sum(results) / len(results) >= FLOORS[field]


def test_confident_answers_are_right(scored: list[object]) -> None:
    """A field reported with confidence >= 0.9 is right at least 98% of the time."""
    confident = [
        s.fields[field]  # type: ignore[attr-defined]
        for s in scored
        for field, value in s.predicted.get("confidence", {}).items()  # type: ignore[attr-defined]
        if value >= 0.9 and field in FLOORS
    ]
    assert len(confident) > 200
    assert sum(confident) / len(confident) >= 0.98


#: Structured inputs are read exactly: every field of every document right.
EXACT_FORMATS = ("facturx", "ocr_json")


@pytest.mark.parametrize("input_format", EXACT_FORMATS)
def test_structured_inputs_are_read_exactly(input_format: str) -> None:
    need((CORPUS / "manifest.json").is_file(), f"corpus at {CORPUS}")
    from bench.corpus import entries, score

    scored = [score(entry) for entry in entries(input_format)]
    assert scored
    wrong = [(s.entry.name, field) for s in scored for field, ok in s.fields.items() if not ok]
    assert wrong == []


KEY_FIELDS = ("vendor", "invoice_number", "invoice_date", "currency", "total_amount")


def test_scans_read_by_tesseract_get_the_key_fields() -> None:
    """Scanned PDFs through Tesseract: 90% of the key fields right (bench/accuracy.py: 93%)."""
    need((CORPUS / "manifest.json").is_file(), f"corpus at {CORPUS}")
    need(shutil.which("tesseract") is not None, "tesseract (bash scripts/install-system-packages)")
    from bench.corpus import entries, score

    scored = [score(entry) for entry in entries("pdf_scanned")]
    results = [s.fields[field] for s in scored for field in KEY_FIELDS]
    assert len(scored) >= 5
    assert sum(results) / len(results) >= 0.9
