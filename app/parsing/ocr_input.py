"""OCR output sent beside (or instead of) the document.

Three shapes are read:

* Baidu's VAT invoice OCR JSON (``words_result`` is an object with InvoiceNum, SellerName, ...
  and Commodity* lists by row): fields are mapped directly and then checked like any other.
* Baidu's general OCR JSON (``words_result`` is a list of ``{"words": ...}`` lines): the lines go
  through the same field finders as a PDF's text.
* Plain text: the same, a line per line.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from app.parsing.amounts import amount_in_chinese_words, parse_amount
from app.parsing.dates import parse_date
from app.parsing.errors import InvalidOcr
from app.parsing.layout import Line, text_lines
from app.parsing.misreads import restore_text
from app.parsing.model import ExtractedInvoice, LineItem, ParseWarning

#: Confidence of a field a VAT-invoice OCR service returned by name (not checked by a sum).
_NAMED_FIELD = 0.9
_CHECKED_FIELD = 0.97


def read_ocr(data: bytes) -> tuple[ExtractedInvoice, list[Line] | None]:
    """The invoice with what OCR JSON names directly, or (an empty invoice, the text's lines) for
    line-by-line OCR output that goes through the field finders."""
    text = _decode(data)
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            document = json.loads(stripped)
        except json.JSONDecodeError:
            raise InvalidOcr("The OCR output looks like JSON but does not parse; check that it is complete.") from None
        except (RecursionError, ValueError):  # nested too deep, or an integer of thousands of digits
            raise InvalidOcr(
                "The OCR JSON is nested too deeply or holds a number too long to be OCR output; "
                "send the engine's output as it produced it."
            ) from None
        return _from_json(_without_surrogates(document))
    lines = text_lines(restore_text(text))
    if not lines:
        raise InvalidOcr("The OCR output has no text.")
    return ExtractedInvoice(input_format="ocr_text"), lines


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(document: Any) -> Any:
    """The JSON with each lone surrogate (``"\\ud800"`` is valid JSON, but no UTF-8 text) in its
    strings replaced by U+FFFD, so that an invoice made of them can be stored and sent. Walked
    without recursion: json.loads accepts nesting deeper than a recursive walk could follow."""
    pending = [document]
    while pending:
        node = pending.pop()
        slots = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in list(slots):
            if isinstance(value, str):
                node[key] = _SURROGATE.sub("\ufffd", value)
            else:
                pending.append(value)
    return document


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise InvalidOcr("The OCR output is binary; send the OCR engine's JSON or plain text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidOcr("The OCR output is not UTF-8 text; send the OCR engine's JSON or plain text.") from None


def _from_json(document: Any) -> tuple[ExtractedInvoice, list[Line] | None]:
    result = document.get("words_result") if isinstance(document, dict) else None
    if isinstance(result, dict):
        return _vat_invoice(result), None
    if isinstance(result, list) and all(isinstance(row, dict) and isinstance(row.get("words"), str) for row in result):
        lines = text_lines(restore_text("\n".join(row["words"] for row in result)))
        if lines:
            return ExtractedInvoice(input_format="ocr_json"), lines
    raise InvalidOcr(
        "The OCR JSON has no 'words_result' the service understands: expected Baidu's VAT invoice result "
        '(an object) or its general OCR result (a list of {"words": ...}).'
    )


def _word(result: dict[str, Any], key: str) -> str | None:
    value = result.get(key)
    if isinstance(value, list):  # some Baidu fields come as [{"word": ...}]
        value = " ".join(str(part.get("word", "")) for part in value if isinstance(part, dict))
    text = str(value).strip() if value is not None else ""
    return text or None


def _money(result: dict[str, Any], key: str) -> Decimal | None:
    text = _word(result, key)
    return parse_amount(text.replace("¥", "").replace("￥", "")) if text else None


def _rows(result: dict[str, Any], key: str) -> dict[int, str]:
    """A commodity column's words by row; cells that are not ``{"row": n, "word": ...}`` with a
    plain row number (ASCII digits, not "²" or 5,000 of them) are no rows."""
    rows: dict[int, str] = {}
    cells = result.get(key)
    for cell in cells if isinstance(cells, list) else []:
        number = str(cell.get("row", "")) if isinstance(cell, dict) else ""
        if re.fullmatch(r"[0-9]{1,6}", number):
            row = int(number)  # a long name may come back as several words of the same row
            rows[row] = rows.get(row, "") + str(cell.get("word", "")).strip()
    return rows


def _vat_invoice(result: dict[str, Any]) -> ExtractedInvoice:
    invoice = ExtractedInvoice(input_format="ocr_json", currency="CNY")
    invoice.confidence["currency"] = _CHECKED_FIELD
    named = {
        "vendor": _word(result, "SellerName"),
        "vendor_tax_id": _word(result, "SellerRegisterNum"),
        "vendor_address": _word(result, "SellerAddress"),
        "buyer": _word(result, "PurchaserName"),
        "buyer_tax_id": _word(result, "PurchaserRegisterNum"),
        "invoice_number": _word(result, "InvoiceNum"),
    }
    for name, text in named.items():
        if text:
            setattr(invoice, name, text)
            invoice.confidence[name] = _NAMED_FIELD
    if (printed := _word(result, "InvoiceDate")) and (issued := parse_date(printed, day_first=None)):
        invoice.invoice_date = issued
        invoice.confidence["invoice_date"] = _NAMED_FIELD
    invoice.line_items = _commodities(result)
    subtotal, tax, total = _money(result, "TotalAmount"), _money(result, "TotalTax"), _money(result, "AmountInFiguers")
    in_words = amount_in_chinese_words(_word(result, "AmountInWords") or "")
    adds_up = None not in (subtotal, tax, total) and subtotal + tax == total  # type: ignore[operator]
    words_agree = in_words is not None and in_words == total
    certain = _CHECKED_FIELD if adds_up and (words_agree or in_words is None) else 0.6
    for name, value in (("subtotal", subtotal), ("tax_amount", tax), ("total_amount", total)):
        if value is not None:
            setattr(invoice, name, value)
            invoice.confidence[name] = certain
    if in_words is not None and not words_agree:
        invoice.warnings.append(
            ParseWarning(code="amount_in_words_mismatch", message="The total in words (大写) differs from the figures.")
        )
    return invoice


def _commodities(result: dict[str, Any]) -> list[LineItem]:
    columns = {key: _rows(result, f"Commodity{key}") for key in ("Name", "Num", "Price", "Amount")}
    rows: dict[int, dict[str, str]] = defaultdict(dict)
    for key, column in columns.items():
        for row, word in column.items():
            rows[row][key] = word
    items = []
    for _, cells in sorted(rows.items()):
        name = re.sub(r"\s+", "", cells.get("Name", "")) or None
        items.append(
            LineItem(
                description=name,
                quantity=parse_amount(cells["Num"]) if cells.get("Num") else None,
                unit_price=parse_amount(cells["Price"]) if cells.get("Price") else None,
                amount=parse_amount(cells["Amount"]) if cells.get("Amount") else None,
            )
        )
    return items
