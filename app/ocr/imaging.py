"""Page images cleaned up before OCR: straightened and with an even background.

A scanned page is rarely straight; a tilt of half a degree already puts a label and its value on
different visual lines across an A4 width. And tinted panels or a dark sidebar pull Tesseract's
single global threshold away from the light-grey labels printed elsewhere on the page.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

#: Tilts searched for, in degrees: scanners and phone scans stay well within this.
MAX_SKEW = 3.0
SKEW_STEP = 0.1
#: Skew is measured on a copy this many times smaller (text lines stay several pixels high).
_SKEW_SCALE = 4
#: The background is estimated on a copy this many times smaller, over this window (in its pixels).
_BACKGROUND_SCALE = 8
_BACKGROUND_WINDOW = 9


def skew_angle(page: Image.Image) -> float:
    """The rotation (degrees, counter-clockwise) that makes the text lines horizontal: the one whose
    row profile of ink has the sharpest steps between lines and gaps."""
    small = page.resize((max(page.width // _SKEW_SCALE, 1), max(page.height // _SKEW_SCALE, 1)))
    ink = Image.fromarray(((np.asarray(small) < 128) * 255).astype(np.uint8))
    best_angle, best_score = 0.0, -1.0
    for angle in np.arange(-MAX_SKEW, MAX_SKEW + SKEW_STEP / 2, SKEW_STEP):
        rows = (np.asarray(ink.rotate(float(angle), resample=Image.Resampling.BILINEAR)) > 127).sum(axis=1)
        score = float((np.diff(rows.astype(np.float64)) ** 2).sum())
        if score > best_score:
            best_angle, best_score = float(angle), score
    return round(best_angle, 1)


def flatten_background(page: Image.Image) -> Image.Image:
    """Each pixel divided by the local background (the lightest tone around it), so grey labels on
    white and text on a tinted panel end up with the same contrast."""
    small = page.resize((max(page.width // _BACKGROUND_SCALE, 1), max(page.height // _BACKGROUND_SCALE, 1)))
    background = small.filter(ImageFilter.MaxFilter(_BACKGROUND_WINDOW)).filter(ImageFilter.GaussianBlur(3))
    light = np.maximum(np.asarray(background.resize(page.size), dtype=np.float32), 1.0)
    flattened = np.clip(np.asarray(page, dtype=np.float32) / light * 255.0, 0, 255)
    return Image.fromarray(flattened.astype(np.uint8))


def prepare(page: Image.Image) -> Image.Image:
    """A grayscale page image straightened and flattened for OCR."""
    angle = skew_angle(page)
    if angle:
        page = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    return flatten_background(page)
