"""Local OCR with RapidOCR: PaddleOCR's PP-OCRv4 models on ONNX Runtime, shipped inside the
``rapidocr_onnxruntime`` wheel, so nothing is downloaded at run time. Pages are rendered by pdfium;
RapidOCR returns text lines with quadrilateral boxes, which become words with boxes in PDF points
from the top left, as tesseract.read_page returns them."""

from __future__ import annotations

import math
import statistics
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pypdfium2 as pdfium

from app.ocr.pages import OcrFailed, Reading, mean_confidence
from app.parsing.layout import Word

#: Render resolution. RapidOCR scales pages down to 2000 pixels on the long side anyway.
DPI = 200
#: A page whose characters on horizontal lines, weighted by confidence, make up less than this share
#: of all it read is read again turned (see _upright).
UPRIGHT_CONFIDENCE = 0.8
#: RapidOCR's line boxes reach this share of their height past the ink on every side (measured on
#: the corpus's scans); without it, neighbouring cells' gaps shrink below the layout's cell gap.
_MARGIN = 0.2
#: A blank gap between two characters at least this share of the text's height is a word space (on
#: the corpus's scans, nine in ten gaps between letters are under a fifth, those between words about
#: two fifths).
_SPACE = 0.3


@dataclass(frozen=True)
class _Line:
    text: str
    confidence: float
    #: Corners in pixels: top-left, top-right, bottom-right, bottom-left.
    corners: np.ndarray

    @property
    def horizontal(self) -> bool:
        width = np.linalg.norm(self.corners[1] - self.corners[0])
        height = np.linalg.norm(self.corners[3] - self.corners[0])
        return bool(width >= height)


@cache
def engine() -> Any:
    """This process's RapidOCR, created on first use (loading its models takes about a second)."""
    try:
        import cv2
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:  # also a system library that OpenCV needs (libGL) missing
        raise OcrFailed(f"RapidOCR cannot be loaded ({exc}); pip install rapidocr_onnxruntime") from exc
    # One thread each for OpenCV and ONNX Runtime: the parse pool already runs a document per core.
    cv2.setNumThreads(1)
    try:
        return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
    except Exception as exc:  # onnxruntime refusing a model raises its own types
        raise OcrFailed(f"RapidOCR's models cannot be loaded ({type(exc).__name__}: {exc})") from exc


def read_page(page: pdfium.PdfPage) -> Reading:
    """The words on a scanned page, with boxes in PDF points from the top left (of the page turned
    upright and straightened), and RapidOCR's confidence in them."""
    image = np.asarray(page.render(scale=DPI / 72, grayscale=True).to_pil())
    lines = _straightened(_upright(image))
    words = [word for line in lines for word in _words(line, points_per_pixel=72 / DPI)]
    return Reading(words, mean_confidence([(line.text, line.confidence) for line in lines]))


def _read(image: np.ndarray) -> list[_Line]:
    # Without the line classifier, upside-down text reads as low-confidence noise, which is what
    # tells the page's rotation apart (see _upright).
    try:
        result, _ = engine()(np.ascontiguousarray(image), use_cls=False, return_word_box=True)
    except OcrFailed:
        raise
    except Exception as exc:  # onnxruntime and OpenCV raise their own types
        raise OcrFailed(f"RapidOCR failed: {type(exc).__name__}") from exc
    return [_line(image, *found) for found in result or []]


def _line(
    image: np.ndarray, box: Any, text: str, score: float, boxes: list[Any], characters: list[str], *_: Any
) -> _Line:
    """A line as RapidOCR read it, with the word spaces its model left out put back."""
    line = _Line(text, float(score), np.array(box, dtype=np.float64))
    if not line.horizontal or len(boxes) != len(characters) or not characters:
        return line
    centres = [float(np.mean([corner[0] for corner in character])) for character in boxes]
    return _Line(_spaced(characters, centres, _blank_gaps(image, line)), line.confidence, line.corners)


def _blank_gaps(image: np.ndarray, line: _Line) -> list[tuple[float, float]]:
    """Runs of pixel columns without ink across the line's text, at least _SPACE of its height
    wide, as (left, right) in page pixels."""
    top, bottom = line.corners[:, 1].min(), line.corners[:, 1].max()
    margin = (bottom - top) * _MARGIN
    left = max(int(line.corners[:, 0].min()), 0)
    band = image[max(int(top + margin), 0) : int(bottom - margin), left : int(line.corners[:, 0].max())]
    if band.size == 0:
        return []
    # Ink is darker than halfway between the band's paper and its darkest stroke.
    inked: list[bool] = np.any(band < (int(band.min()) + int(band.max())) / 2, axis=0).tolist()
    gaps, start = [], None
    for x, ink in enumerate([*inked, True]):
        if not ink and start is None:
            start = x
        elif ink and start is not None:
            if x - start >= _SPACE * (bottom - top - 2 * margin):
                gaps.append((float(left + start), float(left + x)))
            start = None
    return gaps


def _spaced(characters: list[str], centres: list[float], gaps: list[tuple[float, float]]) -> str:
    """The characters with a space wherever a blank gap lies between two neighbours' centres
    (the Chinese-trained model often runs Latin words together: "Summenetto"). Numbers, dates and
    times are never split (a narrow "1" stands in a blank of its own), nor wide characters."""
    text = characters[0]
    for index in range(1, len(characters)):
        before, after = characters[index - 1], characters[index]
        if " " not in (before, after) and not _unsplittable(before, after):
            left, right = centres[index - 1], centres[index]
            if any(left <= start and end <= right for start, end in gaps):
                text += " "
        text += after
    return text


def _unsplittable(before: str, after: str) -> bool:
    number = "0123456789.,:/-"
    return (before in number and after in number) or _width(before) == 2 or _width(after) == 2


def _legibility(lines: list[_Line]) -> float:
    """Confidently read characters on horizontal lines: highest for the page the right way up."""
    return sum(line.confidence * len(line.text) for line in lines if line.horizontal)


def _upright(image: np.ndarray) -> list[_Line]:
    """The lines of the page read in the rotation (by quarter turns) that reads best. Only a page
    that looks rotated (most text on vertical lines, or read with low confidence) is read again."""
    lines = _read(image)
    characters = sum(len(line.text) for line in lines)
    if characters == 0 or _legibility(lines) >= UPRIGHT_CONFIDENCE * characters:
        return lines
    turns = (1, 3) if _legibility(lines) * 2 < characters else (2,)
    tried = [lines, *(_read(np.rot90(image, turn)) for turn in turns)]
    return max(tried, key=_legibility)


def _straightened(lines: list[_Line]) -> list[_Line]:
    """Lines rotated about the origin by the page's tilt (the median slope of its text lines), so
    that the words of one visual line share their top and bottom."""
    slopes = [math.atan2(*(line.corners[1] - line.corners[0])[::-1]) for line in lines if len(line.text) > 3]
    if not slopes:
        return lines
    angle = statistics.median(slopes)
    turn = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    return [_Line(line.text, line.confidence, line.corners @ turn) for line in lines]


def _width(character: str) -> int:
    return 2 if unicodedata.east_asian_width(character) in "WF" else 1


def _words(line: _Line, *, points_per_pixel: float) -> list[Word]:
    """The line's words, each given the share of the line's box that its characters take (a wide
    CJK character counts twice)."""
    top, bottom = line.corners[:, 1].min(), line.corners[:, 1].max()
    margin = (bottom - top) * _MARGIN
    top, bottom = top + margin, bottom - margin
    left, right = line.corners[:, 0].min() + margin, line.corners[:, 0].max() - margin
    widths = [_width(character) for character in line.text]
    total = sum(widths)
    words, start = [], 0
    for text in line.text.split(" "):
        end = start + len(text)
        if text:
            x0 = left + (right - left) * sum(widths[:start]) / total
            x1 = left + (right - left) * sum(widths[:end]) / total
            words.append(
                Word(
                    text=text,
                    x0=x0 * points_per_pixel,
                    top=top * points_per_pixel,
                    x1=x1 * points_per_pixel,
                    bottom=bottom * points_per_pixel,
                )
            )
        start = end + 1
    return words
