"""Laying invoice pages out n-up on A4 sheets with pypdf (pure: bytes in, PDF bytes out).

Runs in the parse pool, since it reads the session's original PDFs, which came from outside. Every
page is scaled by one factor (aspect kept, never enlarged) into a cell and centred there, clipped to
its own visible area, so nothing spills into a neighbouring cell; cells fill left to right, top to
bottom, and an invoice with several pages takes as many cells, running on to the next sheet.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from app.exports.summary_page import summary_page
from app.invoices.schemas import Invoice

#: Space kept free around the sheet's edge and between cells, in points (1/72 inch).
MARGIN = 18.0
GUTTER = 18.0


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Layout:
    """An A4 sheet and its equal cells, in filling order."""

    width: float
    height: float
    columns: int
    rows: int

    @classmethod
    def for_per_page(cls, per_page: int) -> Layout:
        portrait_width, portrait_height = A4
        if per_page == 1:
            return cls(portrait_width, portrait_height, columns=1, rows=1)
        if per_page == 2:  # a landscape sheet in two portrait halves
            return cls(portrait_height, portrait_width, columns=2, rows=1)
        if per_page == 4:
            return cls(portrait_width, portrait_height, columns=2, rows=2)
        raise ValueError(f"per_page must be 1, 2 or 4, not {per_page}")

    @property
    def cells(self) -> list[Cell]:
        width = (self.width - 2 * MARGIN - (self.columns - 1) * GUTTER) / self.columns
        height = (self.height - 2 * MARGIN - (self.rows - 1) * GUTTER) / self.rows
        return [
            Cell(
                x=MARGIN + column * (width + GUTTER),
                y=self.height - MARGIN - (row + 1) * height - row * GUTTER,
                width=width,
                height=height,
            )
            for row in range(self.rows)
            for column in range(self.columns)
        ]

    def cut_guides(self) -> PageObject | None:
        """Dashed grey lines down the middle of each gutter, as a page to lay over a sheet."""
        if self.columns == self.rows == 1:
            return None
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=(self.width, self.height))
        canvas.setStrokeGray(0.6)
        canvas.setLineWidth(0.5)
        canvas.setDash(4, 4)
        for column in range(1, self.columns):
            x = MARGIN + column * (self.cells[0].width + GUTTER) - GUTTER / 2
            canvas.line(x, 0, x, self.height)
        for row in range(1, self.rows):
            y = self.height - MARGIN - row * (self.cells[0].height + GUTTER) + GUTTER / 2
            canvas.line(0, y, self.width, y)
        canvas.showPage()
        canvas.save()
        return PdfReader(io.BytesIO(buffer.getvalue())).pages[0]


class UnprintablePdf(Exception):
    """pypdf could not read the PDF's pages; the caller prints a summary page instead."""


#: The largest page side PDF allows (200 inches, in points).
_MAX_SIDE = 14_400.0


def pages_of(pdf: bytes) -> list[PageObject]:
    """The pages of a PDF with any /Rotate turned into their content, so boxes match what is seen,
    each proven printable: a visible box of sane size, and merged and written once on a scratch
    sheet. pypdf reads a damaged file lazily, so its errors would otherwise surface half-way
    through composing the real sheets."""
    try:
        pages = list(PdfWriter(clone_from=io.BytesIO(pdf)).pages)  # pypdf rewrites content only on a writer's pages
        scratch = PdfWriter()
        for page in pages:
            if page.rotation:
                page.transfer_rotation_to_content()
            width, height = float(page.cropbox.width), float(page.cropbox.height)
            if not (0 < width <= _MAX_SIDE and 0 < height <= _MAX_SIDE):
                raise UnprintablePdf("page box")
            width_a4, height_a4 = A4
            sheet = scratch.add_blank_page(width_a4, height_a4)
            sheet.merge_transformed_page(page, place(page, Cell(0, 0, width_a4, height_a4)))
        scratch.write(io.BytesIO())
    except UnprintablePdf:
        raise
    except Exception as exc:  # a damaged PDF makes pypdf raise almost anything
        raise UnprintablePdf(type(exc).__name__) from None
    return pages


def place(page: PageObject, cell: Cell) -> Transformation:
    """The transformation that scales the page's visible box into the cell and centres it."""
    box = page.cropbox
    scale = min(cell.width / float(box.width), cell.height / float(box.height), 1.0)
    x = cell.x + (cell.width - float(box.width) * scale) / 2
    y = cell.y + (cell.height - float(box.height) * scale) / 2
    return Transformation().translate(-float(box.left), -float(box.bottom)).scale(scale).translate(x, y)


@dataclass(frozen=True)
class PrintItem:
    """An invoice to print: its original (a PDF, else OCR output or XML) and its parsed data."""

    invoice: Invoice
    original: bytes | None


def compose(items: Sequence[PrintItem], per_page: int) -> bytes:
    """One PDF: every invoice's pages, in order, n-up on A4 sheets; an invoice without an original
    PDF (or one pypdf cannot read) is represented by a generated summary page."""
    layout = Layout.for_per_page(per_page)
    guides = layout.cut_guides()
    writer = PdfWriter()
    for sheet_pages in _chunks(_all_pages(items), len(layout.cells)):
        sheet = writer.add_blank_page(layout.width, layout.height)
        for page, cell in zip(sheet_pages, layout.cells, strict=False):
            sheet.merge_transformed_page(page, place(page, cell))
        if guides is not None:
            sheet.merge_page(guides)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _all_pages(items: Sequence[PrintItem]) -> Iterator[PageObject]:
    for item in items:
        if item.original is None or b"%PDF-" not in item.original[:1024]:
            reason = f"no original PDF ({item.invoice.input_format} input)"
        else:
            try:
                yield from pages_of(item.original)
                continue
            except UnprintablePdf:
                reason = "the original PDF could not be laid out"
        yield from pages_of(summary_page(item.invoice, reason))


def _chunks(pages: Iterator[PageObject], size: int) -> Iterator[list[PageObject]]:
    chunk: list[PageObject] = []
    for page in pages:
        chunk.append(page)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
