"""A scan sent as an image (JPEG, PNG or TIFF, as a phone or a copier saves it) becomes the scanned
PDF the OCR path reads: one page per image frame, at the resolution the image states (else
DEFAULT_DPI), so the words keep their sizes in points. The PDF is also what the session keeps, so
the invoice prints and renders like any other scan.

Runs in the parse pool: decoding is CPU work, and a hostile image (a decompression bomb) must meet
the pool's memory limit, not the web process. Its size is checked from the header before any
pixel is decoded.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageSequence, UnidentifiedImageError

from app.parsing.errors import CorruptImage, ImageTooLarge, TooManyPages

#: Pixels of one frame, and of its longer side: an A4 page at 600 dpi is 35 million, 7,016 on its
#: long side; past these an image is no scan.
MAX_PIXELS = 50_000_000
MAX_SIDE = 20_000
#: The resolution of an image that does not state one (a phone photo): a page of it is
#: 2480 x 3508 pixels at A4, which 200 dpi would make too large and 300 dpi fits.
DEFAULT_DPI = 300
_FORMATS = ["JPEG", "PNG", "TIFF"]
_MAX_PAGE_INCHES = 200


def scan_to_pdf(data: bytes, *, max_pages: int) -> bytes:
    """The image's frames as the pages of a PDF."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=_FORMATS)
            frames = getattr(image, "n_frames", 1)
            if frames > max_pages:
                raise TooManyPages(f"The image has {frames} pages; at most {max_pages} are read.")
            pages = [_page(frame) for frame in ImageSequence.Iterator(image)]
            # a PDF page is at most 200 inches a side: a very long strip is given a finer resolution
            dpi = max(_dpi(image), *(max(page.size) / _MAX_PAGE_INCHES for page in pages))
            out = io.BytesIO()
            pages[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_large() from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise CorruptImage("The image cannot be read: it is damaged or not a JPEG, PNG or TIFF.") from None
    return out.getvalue()


def _page(frame: Image.Image) -> Image.Image:
    if frame.width * frame.height > MAX_PIXELS or max(frame.size) > MAX_SIDE:
        raise _too_large()
    page = frame.convert("L" if frame.mode in ("1", "L", "I;16", "I") else "RGB")
    page.load()
    return page


def _too_large() -> ImageTooLarge:
    return ImageTooLarge(
        f"The image has more than {MAX_PIXELS:,} pixels on a page (or {MAX_SIDE:,} on a side), far more "
        "than a scan needs. Scan at 300 dpi, or send the invoice as a PDF."
    )


def _dpi(image: Image.Image) -> float:
    stated = image.info.get("dpi")
    try:
        dpi = float(stated[0]) if stated else 0.0
    except (TypeError, ValueError, IndexError):
        dpi = 0.0
    return dpi if 72 <= dpi <= 1200 else DEFAULT_DPI
