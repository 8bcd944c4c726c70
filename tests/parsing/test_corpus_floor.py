"""Accuracy floor on the corpus's text PDFs, so extraction quality cannot silently drop."""

from __future__ import annotations

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


def test_scans_read_by_the_default_engines_get_the_key_fields() -> None:
    """Scanned PDFs through OCR_ENGINE=auto (Tesseract and RapidOCR): 90% of the key fields right
    (bench/accuracy.py: 93%)."""
    need((CORPUS / "manifest.json").is_file(), f"corpus at {CORPUS}")
    from app.ocr.scanned import installed_engines

    need(len(installed_engines()) == 2, "tesseract and rapidocr (bash scripts/test installs both)")
    from bench.corpus import entries, score

    scored = [score(entry) for entry in entries("pdf_scanned")]
    results = [s.fields[field] for s in scored for field in KEY_FIELDS]
    assert len(scored) >= 5
    assert sum(results) / len(results) >= 0.9


#: Every corpus and input format: (scored fields right, real-value accuracy, key-5 documents),
#: today's figures (bench/accuracy.py) less a small margin. Raise them as extraction improves.
CORPUS_FLOORS = {
    ("einvoice", "xml"): (0.999, 0.999, 1.0),
    ("einvoice", "facturx"): (1.0, 1.0, 1.0),
    ("einvoice", "pdf_text"): (0.96, 0.95, 0.9),
    ("real", "pdf_text"): (0.92, 0.89, 0.78),
}


@pytest.fixture(scope="module")
def by_corpus() -> dict[tuple[str, str], list[object]]:
    from bench.corpus import available, entries, score

    found = available()
    need({"einvoice", "real"} <= set(found), "../shared/corpus-einvoice and ../shared/corpus-real")
    return {key: [score(entry) for entry in entries(key[1], corpus=key[0])] for key in CORPUS_FLOORS}


@pytest.mark.parametrize("key", sorted(CORPUS_FLOORS), ids="-".join)
def test_every_corpus_keeps_its_floor(by_corpus: dict[tuple[str, str], list[object]], key: tuple[str, str]) -> None:
    scored = by_corpus[key]
    assert scored
    fields = [ok for s in scored for ok in s.fields.values()]  # type: ignore[attr-defined]
    real = [ok for s in scored for ok in s.real_values]  # type: ignore[attr-defined]
    key_right = [s.key_right for s in scored]  # type: ignore[attr-defined]
    figures = (sum(fields) / len(fields), sum(real) / len(real), sum(key_right) / len(key_right))
    assert all(figure >= floor for figure, floor in zip(figures, CORPUS_FLOORS[key], strict=True)), figures


@pytest.mark.parametrize("corpus", ["einvoice", "real"])
def test_confident_answers_are_right_on_every_corpus(
    by_corpus: dict[tuple[str, str], list[object]], corpus: str
) -> None:
    """On documents of other people's software too, a field reported at >= 0.9 is right >= 98 % of the time."""
    confident = [
        s.fields[field]  # type: ignore[attr-defined]
        for (name, _), scored in by_corpus.items()
        if name == corpus
        for s in scored
        for field, value in s.predicted.get("confidence", {}).items()  # type: ignore[attr-defined]
        if value >= 0.9 and field in s.fields  # type: ignore[attr-defined]
    ]
    assert len(confident) > 50
    assert sum(confident) / len(confident) >= 0.98
