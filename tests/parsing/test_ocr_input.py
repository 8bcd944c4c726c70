"""OCR output as input: Baidu VAT invoice JSON, Baidu general OCR JSON and plain text."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from app.parsing import parse_document
from app.parsing.errors import InvalidOcr
from app.parsing.model import MAX_LINE_ITEMS


def _vat_result(**overrides: object) -> bytes:
    result: dict[str, object] = {
        "InvoiceNum": "24332000000045671234",
        "InvoiceDate": "2024年03月01日",
        "SellerName": "杭州云栖智能科技有限公司",
        "SellerRegisterNum": "91330100MA27XH3N7K",
        "PurchaserName": "苏州工业园区精工制造有限公司",
        "PurchaserRegisterNum": "91320505MA1MNP4TPT",
        "TotalAmount": "50600.00",
        "TotalTax": "6578.00",
        "AmountInFiguers": "57178.00",
        "AmountInWords": "伍万柒仟壹佰柒拾捌圆整",
        "CommodityName": [{"row": "1", "word": "*计算机设备*服务器"}, {"row": "2", "word": "*软件*授权"}],
        "CommodityNum": [{"row": "1", "word": "2"}, {"row": "2", "word": "2"}],
        "CommodityPrice": [{"row": "1", "word": "18500.00"}, {"row": "2", "word": "6800.00"}],
        "CommodityAmount": [{"row": "1", "word": "37000.00"}, {"row": "2", "word": "13600.00"}],
    }
    result.update(overrides)
    return json.dumps({"words_result": result, "log_id": 1}, ensure_ascii=False).encode()


def test_baidu_vat_invoice_json_maps_named_fields_and_checks_them() -> None:
    invoice = parse_document(None, ocr=_vat_result())
    assert invoice.input_format == "ocr_json"
    assert (invoice.vendor, invoice.buyer_tax_id, invoice.currency) == (
        "杭州云栖智能科技有限公司",
        "91320505MA1MNP4TPT",
        "CNY",
    )
    assert invoice.invoice_date == date(2024, 3, 1)
    assert (invoice.subtotal, invoice.tax_amount, invoice.total_amount) == (
        Decimal("50600.00"),
        Decimal("6578.00"),
        Decimal("57178.00"),
    )
    assert [item.amount for item in invoice.line_items] == [Decimal("37000.00"), Decimal("13600.00")]
    assert invoice.warnings == [] and invoice.confidence["total_amount"] >= 0.9


def test_baidu_amount_in_words_that_disagrees_is_a_warning() -> None:
    invoice = parse_document(None, ocr=_vat_result(AmountInWords="伍万圆整"))
    assert "amount_in_words_mismatch" in [w.code for w in invoice.warnings]
    assert invoice.confidence["total_amount"] < 0.9


def test_general_ocr_json_goes_through_the_field_finders() -> None:
    lines = [
        "ACME Ltd",
        "Invoice No: INV-77",
        "Date: 2024-02-03",
        "Subtotal  £100.00",
        "VAT 20%  £20.00",
        "Total  £120.00",
    ]
    payload = json.dumps({"words_result": [{"words": line} for line in lines]}).encode()
    invoice = parse_document(None, ocr=payload)
    assert invoice.input_format == "ocr_json"
    assert (invoice.invoice_number, invoice.total_amount, invoice.currency) == ("INV-77", Decimal("120.00"), "GBP")


def test_plain_text_ocr() -> None:
    text = "Invoice Number: RPH-24-1062\nInvoice Date: 2024-09-12\nSubtotal $100.00\nSales Tax $8.25\nTOTAL $108.25 USD"
    invoice = parse_document(None, ocr=text.encode())
    assert invoice.input_format == "ocr_text"
    assert (invoice.invoice_number, invoice.subtotal, invoice.total_amount) == (
        "RPH-24-1062",
        Decimal("100.00"),
        Decimal("108.25"),
    )


@pytest.mark.parametrize(
    "payload",
    [b'{"words_result": ', b'{"error_code": 17}', b"[1, 2, 3]", b"\x00\x01binary", "caf\u00e9".encode("latin-1")],
    ids=["truncated json", "baidu error", "foreign json", "binary", "not utf-8"],
)
def test_malformed_ocr_is_refused(payload: bytes) -> None:
    with pytest.raises(InvalidOcr):
        parse_document(None, ocr=payload)


def test_line_items_beyond_the_cap_are_dropped_with_a_warning() -> None:
    rows = range(1, 5001)
    document = {
        "words_result": {
            "InvoiceNum": "1",
            "CommodityName": [{"row": str(row), "word": f"item {row}"} for row in rows],
            "CommodityAmount": [{"row": str(row), "word": "1.00"} for row in rows],
        }
    }
    invoice = parse_document(None, ocr=json.dumps(document).encode())
    assert len(invoice.line_items) == MAX_LINE_ITEMS
    assert invoice.line_items[-1].description == f"item{MAX_LINE_ITEMS}"
    assert "too_many_line_items" in [warning.code for warning in invoice.warnings]
