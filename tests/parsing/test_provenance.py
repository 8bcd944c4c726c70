"""Each found value's box holds that value on the page: read back by pdfium from the box alone."""

from __future__ import annotations

import re
from decimal import Decimal

import pypdfium2 as pdfium
import pytest

from app.parsing import parse_document
from app.parsing.amounts import parse_amount
from app.parsing.dates import find_dates
from tests.conftest import CORPUS, ROOT, corpus_bytes

TEXT_PDFS = ["de-rechnung-01.pdf", "us-invoice-01.pdf", "uk-invoice-01.pdf", "fr-facture-01.pdf", "cn-fapiao-01.pdf"]


def _text_in(data: bytes, page_number: int, box: dict[str, float]) -> str:
    document = pdfium.PdfDocument(data)
    page = document[page_number - 1]
    height = page.get_height()
    text = page.get_textpage().get_text_bounded(
        left=box["x0"] - 1, bottom=height - box["bottom"] - 1, right=box["x1"] + 1, top=height - box["top"] + 1
    )
    document.close()
    return str(text)


@pytest.mark.parametrize("name", TEXT_PDFS)
def test_each_box_holds_its_value(name: str) -> None:
    if not (CORPUS / "docs" / name).is_file():
        pytest.skip(f"{name} is not in this corpus")
    data = corpus_bytes(name)
    invoice = parse_document(data).model_dump(mode="json")
    assert invoice["sources"], "a text PDF's found values are located"
    for field, box in invoice["sources"].items():
        printed = _text_in(data, box["page"], box)
        value = invoice[field]
        if field.endswith(("amount", "subtotal")):
            assert abs(parse_amount(printed) or 0) == abs(Decimal(value)), (field, printed)
        elif field.endswith("date"):
            assert value in {found.isoformat() for _, found in find_dates(printed)}, (field, printed)
        else:
            assert re.sub(r"\s", "", value).casefold() in re.sub(r"\s", "", printed).casefold(), (field, printed)
    located = [item["source"] for item in invoice["line_items"] if item["source"]]
    assert len(located) >= len(invoice["line_items"]) / 2


def test_the_total_is_the_labelled_one_and_xml_has_no_boxes() -> None:
    invoice = parse_document(corpus_bytes("de-rechnung-01.pdf"))
    total, subtotal = invoice.sources["total_amount"], invoice.sources["subtotal"]
    assert total.top > subtotal.top  # the total is printed under the subtotal, beside its label
    xml = parse_document((ROOT / "tests" / "samples" / "ubl_invoice.xml").read_bytes())
    assert xml.sources == {} and all(item.source is None for item in xml.line_items)
