"""Invoice pages made in the tests: a text PDF drawn with reportlab, rasterised by pdfium into an
image-only PDF (a scan), optionally turned by quarter turns as a careless scanner would."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

NUMBER, DATE, TOTAL = "INV-2024-0417", "2024-03-15", "1234.56"
#: The scan's resolution: an office scanner's.
DPI = 200


def text_pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    width, height = A4
    page.setFont("Helvetica-Bold", 18)
    page.drawString(60, height - 80, "Northwind Supplies Ltd")
    page.setFont("Helvetica", 12)
    rows = [
        ("Invoice number:", NUMBER),
        ("Invoice date:", "15/03/2024"),
        ("Due date:", "14/04/2024"),
    ]
    for index, (label, value) in enumerate(rows):
        page.drawString(60, height - 140 - index * 20, label)
        page.drawString(200, height - 140 - index * 20, value)
    page.drawString(60, height - 240, "Consulting services, March 2024")
    page.drawRightString(width - 60, height - 240, "1,028.80")
    page.drawString(340, height - 290, "Subtotal")
    page.drawRightString(width - 60, height - 290, "1,028.80")
    page.drawString(340, height - 310, "VAT 20%")
    page.drawRightString(width - 60, height - 310, "205.76")
    page.setFont("Helvetica-Bold", 12)
    page.drawString(340, height - 330, "Total due (GBP)")
    page.drawRightString(width - 60, height - 330, "1,234.56")
    page.save()
    return out.getvalue()


def scanned_pdf(quarter_turns: int = 0) -> bytes:
    """text_pdf() as an image-only PDF, turned clockwise by ``quarter_turns``."""
    document = pdfium.PdfDocument(text_pdf())
    image = document[0].render(scale=DPI / 72, grayscale=True).to_pil()
    document.close()
    turned = image.rotate(-90 * quarter_turns, expand=True) if quarter_turns else image
    out = io.BytesIO()
    Image.Image.save(turned, out, format="PDF", resolution=DPI)
    return out.getvalue()


def scanned_image(image_format: str, *, dpi: int | None = DPI, pages: int = 1) -> bytes:
    """text_pdf() as a photo or scanner file (JPEG, PNG, TIFF; TIFF with ``pages`` pages), stating
    its resolution or not."""
    document = pdfium.PdfDocument(text_pdf())
    image = document[0].render(scale=DPI / 72, grayscale=True).to_pil()
    document.close()
    out = io.BytesIO()
    extra: dict[str, object] = {"dpi": (dpi, dpi)} if dpi else {}
    if image_format == "TIFF":
        extra["compression"] = "tiff_deflate"  # as scanners write them
    if pages > 1:
        extra.update(save_all=True, append_images=[image] * (pages - 1))
    image.save(out, format=image_format, **extra)
    return out.getvalue()
