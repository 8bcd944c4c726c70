"""Page images of a kept original: a page of its PDF rendered by pdfium as a PNG, in the parse pool
(rendering is CPU work, and a page box of absurd size must meet the pool's limits, not the web
process's). The review page shows them beside the fields.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import pypdfium2 as pdfium

from app.parsing.errors import CorruptDocument, DocumentError

#: The widths a client may ask for, in pixels.
MIN_WIDTH, DEFAULT_WIDTH, MAX_WIDTH = 100, 1000, 2400
#: Pixels of one rendered page, and of its longer side, at most: a page box far larger (or far
#: taller than wide) than a sheet of paper is scaled down to fit.
MAX_PIXELS = 12_000_000
MAX_SIDE = 8_000


class PageNotFound(DocumentError):
    code = "page_not_found"


@dataclass(frozen=True)
class PageImage:
    png: bytes
    #: The page's size in PDF points: what the fields' boxes are measured in.
    width_points: float
    height_points: float
    #: Pages the document has.
    pages: int


def render_page(data: bytes, number: int, width: int) -> PageImage:
    """Page ``number`` (from 1) of the PDF ``data`` as a PNG ``width`` pixels wide (fewer when the
    page would pass MAX_PIXELS)."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        raise CorruptDocument("The kept document cannot be rendered.") from None
    try:
        if not 1 <= number <= len(document):
            raise PageNotFound(f"The invoice has {len(document)} page(s); there is no page {number}.")
        page = document[number - 1]
        page_width, page_height = page.get_size()
        scale = min(
            width / max(page_width, 1.0),
            MAX_SIDE / max(page_width, page_height, 1.0),
            0.99 * math.sqrt(MAX_PIXELS / max(page_width * page_height, 1.0)),
        )
        image = page.render(scale=scale, may_draw_forms=True).to_pil()
        page.close()
        out = io.BytesIO()
        image.save(out, format="PNG")
        return PageImage(out.getvalue(), round(page_width, 2), round(page_height, 2), len(document))
    finally:
        document.close()
