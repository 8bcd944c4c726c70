"""QR codes printed on a PDF's pages, found with zxing-cpp.

A QR code reaches a PDF either as a picture (most invoicing tools, and every scan) or drawn as
vector squares (the Swiss QR-bill's reference libraries). Pictures are decoded from their own
pixels, which costs nothing on a page without any; a page is rendered (by pdfium) only when it
draws enough vector paths to hold a code. Only the first and last pages are looked at: a payment
slip or an e-invoice's code stands on one of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from ctypes import c_float
from dataclasses import dataclass
from itertools import islice

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import zxingcpp
from PIL import Image

from app.parsing.model import Box

#: The pages looked at from each end of the document.
PAGES_FROM_EACH_END = 2
#: A picture smaller than this (points, on either side) is an icon or a logo's detail, not a code.
MIN_CODE_POINTS = 36.0
#: The largest a printed code is drawn (points): a larger square path is a frame, not a code.
MAX_CODE_POINTS = 300.0
#: Objects of a page looked at, at most (a dense page of text has a few thousand), and how deep
#: into form XObjects (pages composed of other pages).
MAX_OBJECTS, MAX_FORM_DEPTH = 50_000, 3
#: Pictures decoded per page at most (a page of product photos is not searched picture by picture).
MAX_PICTURES = 8
#: A picture of more pixels is not decoded whole (a 600 dpi scan): the page is rendered instead.
MAX_PICTURE_PIXELS = 12_000_000
#: Small square paths that make a page worth rendering (a code drawing each module as a square):
#: the smallest QR code has over a hundred dark modules, each 0.5 to 6 points wide when printed.
MIN_MODULES = 100
MIN_MODULE_POINTS, MAX_MODULE_POINTS = 0.5, 6.0
#: Render scale (72 dpi × 2 = 144 dpi): a 2 cm code of 33 modules gets over 3 pixels per module;
#: a page whose pictures are too large to decode whole (a fine scan) is rendered at 200 dpi.
RENDER_SCALE, SCAN_RENDER_SCALE = 2.0, 200 / 72
#: The longest side of a page's rendering (a poster-sized page is rendered smaller).
MAX_RENDER_SIDE = 4000


@dataclass(frozen=True)
class PrintedCode:
    """A decoded QR code's text and where it is printed."""

    text: str
    box: Box


def pages_to_search(page_count: int) -> list[int]:
    """The page indexes a code is looked for on: the first and last PAGES_FROM_EACH_END."""
    ends = [*range(min(PAGES_FROM_EACH_END, page_count)), *range(max(0, page_count - PAGES_FROM_EACH_END), page_count)]
    return sorted(set(ends))


def codes_on(page: pdfium.PdfPage, index: int) -> list[PrintedCode]:
    """The QR codes on one page: in its pictures, else (when its paths may draw one, or a picture is
    too large to decode whole) in its rendering. A page pdfium or the decoder cannot take gives no
    codes rather than failing the document: the codes only confirm and complete what is read."""
    try:
        return _codes_on(page, index)
    except (pdfium.PdfiumError, ValueError, OSError, RuntimeError):
        return []


def _codes_on(page: pdfium.PdfPage, index: int) -> list[PrintedCode]:
    pictures, vector = _look_over(page)
    oversized = [picture for picture in pictures if _pixels(picture) > MAX_PICTURE_PIXELS]
    found = [
        code
        for picture in pictures
        if picture not in oversized
        for code in _in_picture(picture, index, page.get_height())
    ]
    if found or not (vector or oversized):
        return found
    width, height = page.get_size()
    scale = min(SCAN_RENDER_SCALE if oversized else RENDER_SCALE, MAX_RENDER_SIDE / max(width, height, 1.0))
    image = page.render(scale=scale, grayscale=True).to_pil()
    return _decoded(image, index, Scale(scale, 0.0, 0.0))


def _pixels(picture: pdfium.PdfImage) -> int:
    width, height = picture.get_px_size()
    return int(width) * int(height)


def _look_over(page: pdfium.PdfPage) -> tuple[list[pdfium.PdfImage], bool]:
    """In one pass over the page's objects (through pdfium's C calls: wrapping each object in Python
    costs seconds on a page of millions), the pictures large enough to be a code, and whether its
    paths may draw one (a square path of a code's size, or many small squares, a path per module).
    Only the first MAX_OBJECTS are looked at: no invoice page holds more."""
    pictures: list[pdfium.PdfImage] = []
    modules, vector = 0, False
    for raw, kind in islice(_objects(page.raw, count=pdfium_c.FPDFPage_CountObjects, level=0), MAX_OBJECTS):
        if kind not in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH):
            continue
        left, bottom, right, top = _bounds(raw)
        width, height = right - left, top - bottom
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            if width >= MIN_CODE_POINTS and height >= MIN_CODE_POINTS and len(pictures) < MAX_PICTURES:
                pictures.append(pdfium.PdfObject(raw, page=page, pdf=page.pdf))
        elif not vector and abs(width - height) <= 0.05 * max(width, height):
            modules += MIN_MODULE_POINTS <= width <= MAX_MODULE_POINTS
            vector = MIN_CODE_POINTS <= width <= MAX_CODE_POINTS or modules >= MIN_MODULES
    return pictures, vector


def _objects(parent: object, *, count: Callable[..., int], level: int) -> Iterator[tuple[object, int]]:
    """The raw page objects under ``parent`` (the page, or a form XObject), with their types,
    descending into forms up to MAX_FORM_DEPTH."""
    get = pdfium_c.FPDFPage_GetObject if level == 0 else pdfium_c.FPDFFormObj_GetObject
    for index in range(max(count(parent), 0)):
        raw = get(parent, index)
        if not raw:
            continue
        kind = pdfium_c.FPDFPageObj_GetType(raw)
        yield raw, kind
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and level < MAX_FORM_DEPTH:
            yield from _objects(raw, count=pdfium_c.FPDFFormObj_CountObjects, level=level + 1)


def _bounds(raw: object) -> tuple[float, float, float, float]:
    left, bottom, right, top = c_float(), c_float(), c_float(), c_float()
    if not pdfium_c.FPDFPageObj_GetBounds(raw, left, bottom, right, top):
        return 0.0, 0.0, 0.0, 0.0
    return left.value, bottom.value, right.value, top.value


def _in_picture(picture: pdfium.PdfImage, index: int, page_height: float) -> list[PrintedCode]:
    left, _, right, top = picture.get_bounds()
    image = picture.get_bitmap(render=False).to_pil()
    return _decoded(image, index, Scale(image.width / (right - left), left, page_height - top))


@dataclass(frozen=True)
class Scale:
    """Pixels per point of an image, and where on the page (points from the top left) it starts."""

    pixels_per_point: float
    left: float
    top: float

    def box(self, page: int, points: list[zxingcpp.Point]) -> Box:
        xs = [self.left + point.x / self.pixels_per_point for point in points]
        ys = [self.top + point.y / self.pixels_per_point for point in points]
        return Box(page=page, x0=min(xs), top=min(ys), x1=max(xs), bottom=max(ys))


_QR = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


def _decoded(image: Image.Image, index: int, scale: Scale) -> list[PrintedCode]:
    """The QR codes in ``image``, with their boxes on the page."""
    return [
        PrintedCode(barcode.text, scale.box(index + 1, list(_corners(barcode.position))))
        for barcode in zxingcpp.read_barcodes(image.convert("L"), formats=_QR)
        if barcode.valid and barcode.text
    ]


def _corners(position: zxingcpp.Position) -> tuple[zxingcpp.Point, ...]:
    return position.top_left, position.top_right, position.bottom_right, position.bottom_left
