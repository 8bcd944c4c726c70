"""A generated A4 page with an invoice's parsed fields, printed when there is no original PDF to
show (OCR output or XML input). Drawn with reportlab: Helvetica for text it can encode, Adobe's
Song CID font for the rest (Chinese, Japanese kana, Cyrillic, ...), which PDF viewers supply."""

from __future__ import annotations

import io
from decimal import Decimal
from functools import cache

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from app.invoices.schemas import Invoice

LATIN, LATIN_BOLD, WIDE = "Helvetica", "Helvetica-Bold", "STSong-Light"
LEFT, TOP, BOTTOM = 56.0, A4[1] - 64.0, 72.0
VALUE_X = LEFT + 130
LINE = 16.0
MAX_CHARS = 70


@cache
def _wide_font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(WIDE))
    return WIDE


def _font_for(text: str, latin: str = LATIN) -> str:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return _wide_font()
    return latin


def _clip(text: str, limit: int = MAX_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _amount(value: Decimal | None, currency: str | None) -> str | None:
    return None if value is None else f"{value:,.2f} {currency or ''}".strip()


def _fields(invoice: Invoice) -> list[tuple[str, str | None]]:
    money = invoice.currency
    return [
        ("Vendor", invoice.vendor),
        ("Vendor tax ID", invoice.vendor_tax_id),
        ("Buyer", invoice.buyer),
        ("Buyer tax ID", invoice.buyer_tax_id),
        ("Invoice number", invoice.invoice_number),
        ("Invoice date", invoice.invoice_date.isoformat() if invoice.invoice_date else None),
        ("Due date", invoice.due_date.isoformat() if invoice.due_date else None),
        ("Subtotal", _amount(invoice.subtotal, money)),
        ("Tax", _amount(invoice.tax_amount, money)),
        ("Discount", _amount(invoice.discount_amount, money)),
        ("Shipping", _amount(invoice.shipping_amount, money)),
        ("Total", _amount(invoice.total_amount, money)),
        ("Status", invoice.status.replace("_", " ")),
    ]


def _text(canvas: Canvas, x: float, y: float, text: str, size: float = 10, latin: str = LATIN) -> None:
    canvas.setFont(_font_for(text, latin), size)
    canvas.drawString(x, y, text)


def summary_page(invoice: Invoice, reason: str) -> bytes:
    """One A4 page (PDF bytes) listing the invoice's fields and line items."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    _text(canvas, LEFT, TOP, "Invoice summary", size=18, latin=LATIN_BOLD)
    _text(canvas, LEFT, TOP - 20, _clip(f"{invoice.file_name or invoice.id} · {reason}", 90), size=9)
    y = TOP - 52
    for label, value in _fields(invoice):
        _text(canvas, LEFT, y, label, latin=LATIN_BOLD)
        _text(canvas, VALUE_X, y, _clip(value) if value else "—")
        y -= LINE
    if invoice.line_items:
        y -= LINE / 2
        _text(canvas, LEFT, y, "Line items", size=12, latin=LATIN_BOLD)
        y -= LINE
        for number, item in enumerate(invoice.line_items):
            if y < BOTTOM + LINE:
                _text(canvas, LEFT, y, f"… and {len(invoice.line_items) - number} more")
                break
            _text(canvas, LEFT, y, _clip(item.description or "", 55), size=9)
            canvas.setFont(LATIN, 9)
            if item.quantity is not None and item.unit_price is not None:
                canvas.drawRightString(A4[0] - LEFT - 110, y, f"{item.quantity:g} × {item.unit_price:,.2f}")
            canvas.drawRightString(A4[0] - LEFT, y, _amount(item.amount, None) or "")
            y -= LINE * 0.8
    _text(canvas, LEFT, BOTTOM - 24, "Generated from the parsed data by the invoice service; not the original.", size=8)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
