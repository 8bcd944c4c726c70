"""Words and lines built from pdfium: they must agree with pdfium's own text of the page."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from app.parsing import parse_document
from app.parsing.layout import group_lines, page_words
from bench.layout import differences, pdf_paths, pdfium_words
from tests.conftest import need
from tests.pdfs import poor_metrics_pdf

#: A letterhead with emoji (each two UTF-16 units in pdfium's count) before the invoice's data.
LETTERHEAD = [
    (50, 790, b"Bureau Dupont SARL"),
    (50, 776, b"\x01 +33 1 23 45 67 89  \x01 +33 6 00 00 00 00"),
    (50, 740, b"Invoice No. FA-2017-0010"),
    (50, 725, b"Invoice date: 16/11/2017"),
    (50, 700, b"Total due: 1,234.56 EUR"),
]


@pytest.fixture
def page() -> pdfium.PdfPage:
    return pdfium.PdfDocument(poor_metrics_pdf(LETTERHEAD))[0]


def test_words_are_pdfiums_words(page: pdfium.PdfPage) -> None:
    words = [word.text for word in page_words(page)]
    assert words == pdfium_words(page)
    assert "16/11/2017" in words and "FA-2017-0010" in words


def test_boxes_after_an_emoji_are_the_words_own(page: pdfium.PdfPage) -> None:
    """Each word's box starts where its first glyph is drawn, even after characters beyond the BMP."""
    lines = group_lines(page_words(page), 0)
    texts = [line.text for line in lines]
    assert texts[-2:] == ["Invoice date: 16/11/2017", "Total due: 1,234.56 EUR"]
    date = next(word for word in page_words(page) if word.text == "16/11/2017")
    label = next(word for word in page_words(page) if word.text == "date:")
    assert date.x0 > label.x1 and date.x1 - date.x0 > 20


def test_a_poor_metrics_invoice_is_read() -> None:
    invoice = parse_document(poor_metrics_pdf(LETTERHEAD))
    assert invoice.invoice_number == "FA-2017-0010"
    assert str(invoice.invoice_date) == "2017-11-16"


def test_every_corpus_pdf_agrees_with_pdfium() -> None:
    """The self-check of bench/layout.py over every corpus: no PDF's words differ from pdfium's."""
    paths = pdf_paths()
    need(len(paths) > 50, "the corpora beside the project (../shared/corpus*)")
    assert {path.name: found[:2] for path in paths if (found := differences(path))} == {}
