"""A first reading for each new parse worker, before any client's document.

Importing the parser is not all a first parse pays: pdfium loads its fonts, the regular
expressions compile, the layout code runs for the first time. A worker reads this small invoice
once when it starts, so the first real document costs what every later one does.
"""

from __future__ import annotations

import io

from reportlab.pdfgen.canvas import Canvas

from app.parsing.document import parse_document

#: A dollar amount makes the currency finder weigh the countries named (pycountry loads its
#: tables on first use: 80 ms of a first parse).
_LINES = (
    "Warm-up Supplies Pty Ltd",
    "12 George Street, Sydney NSW 2000, Australia",
    "Tax Invoice No: W-1",
    "Invoice date: 02/01/2024",
    "Description            Qty   Unit price   Amount",
    "Paper                   2        $5.00     $10.00",
    "Subtotal: $10.00",
    "GST 10%: $1.00",
    "Total: $11.00",
)


def _invoice_pdf() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for number, line in enumerate(_LINES):
        canvas.drawString(50, 780 - 16 * number, line)
    canvas.save()
    return buffer.getvalue()


def warm_up() -> None:
    parse_document(_invoice_pdf())
