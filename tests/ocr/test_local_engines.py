"""The local OCR engines (Tesseract, RapidOCR, and "auto" choosing between them) on a scan made in
the test: the invoice's number, date and total come back, whichever way up the page was scanned."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.core.settings import Settings
from app.ocr import rapid, scanned
from app.ocr.pages import OcrFailed
from app.ocr.scanned import LOCAL_ENGINES, OcrEngine, installed_engines, parse_with_ocr
from app.parsing.errors import ScannedDocumentNeedsOcr
from tests.conftest import need, upload, wait_until_ready
from tests.ocr.pages import DATE, NUMBER, TOTAL, scanned_pdf

INSTALL = {
    "tesseract": "tesseract-ocr (bash scripts/install-system-packages)",
    "rapidocr": "rapidocr_onnxruntime (pip install -r requirements.txt)",
}


def _need(*names: str) -> None:
    for name in names:
        need(name in installed_engines(), INSTALL[name])


def _key_fields(engine: OcrEngine, data: bytes) -> tuple[Any, ...]:
    invoice = parse_with_ocr(data, ocr=None, max_pages=5, engine=engine)
    return invoice.input_format, invoice.invoice_number, str(invoice.invoice_date), str(invoice.total_amount)


@pytest.mark.parametrize("name", LOCAL_ENGINES)
def test_each_engine_reads_a_scanned_invoice(name: str) -> None:
    _need(name)
    assert _key_fields(OcrEngine(name, "eng"), scanned_pdf()) == ("pdf_scanned", NUMBER, DATE, TOTAL)


@pytest.mark.parametrize("quarter_turns", [1, 2, 3])
def test_rapidocr_turns_a_rotated_page_upright(quarter_turns: int) -> None:
    _need("rapidocr")
    assert _key_fields(OcrEngine("rapidocr"), scanned_pdf(quarter_turns)) == ("pdf_scanned", NUMBER, DATE, TOTAL)


def test_auto_reads_a_page_turned_a_quarter() -> None:
    """Tesseract cannot read the turned page; "auto" sees it was unsure and RapidOCR reads it."""
    _need(*LOCAL_ENGINES)
    assert _key_fields(OcrEngine("auto", "eng"), scanned_pdf(1)) == ("pdf_scanned", NUMBER, DATE, TOTAL)


def test_auto_picks_the_installed_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    _need(*LOCAL_ENGINES)
    assert OcrEngine("auto").readers == ("tesseract", "rapidocr")
    assert OcrEngine("auto").description == "tesseract+rapidocr"

    monkeypatch.setattr(scanned.shutil, "which", lambda _: None)
    assert OcrEngine("auto").readers == ("rapidocr",)
    assert _key_fields(OcrEngine("auto"), scanned_pdf()) == ("pdf_scanned", NUMBER, DATE, TOTAL)

    monkeypatch.setattr(scanned.importlib.util, "find_spec", lambda _: None)
    assert OcrEngine("auto").description == "none"
    with pytest.raises(ScannedDocumentNeedsOcr, match="no text layer"):
        parse_with_ocr(scanned_pdf(), ocr=None, max_pages=5, engine=OcrEngine("auto"))


def test_auto_is_the_default_and_none_stays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OCR_ENGINE", raising=False)
    assert Settings(_env_file=None).ocr_engine == "auto"  # type: ignore[call-arg]
    assert OcrEngine("none").readers == ()


def test_an_ocr_failure_is_the_clear_scanned_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise OcrFailed("RapidOCR cannot be loaded (libGL.so.1: cannot open shared object file)")

    monkeypatch.setattr(rapid, "engine", broken)
    with pytest.raises(ScannedDocumentNeedsOcr, match="the OCR engine could not read it") as refused:
        parse_with_ocr(scanned_pdf(), ocr=None, max_pages=5, engine=OcrEngine("rapidocr"))
    assert refused.value.code == "scanned_pdf_needs_ocr"


def test_the_service_reads_scans_with_auto_and_is_ready(make_app: Callable[..., TestClient]) -> None:
    _need(*LOCAL_ENGINES)
    client = make_app(ocr_engine="auto", ocr_languages="eng")
    info = client.get("/").json()
    assert (info["ocr_engine"], info["features"]["ocr"]) == ("tesseract+rapidocr", True)
    wait_until_ready(client)
    assert client.get("/health/ready").json()["checks"]["ocr"] == "ok"

    response = upload(client, scanned_pdf(), "scan.pdf")
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["input_format"], body["invoice_number"], body["total_amount"]) == ("pdf_scanned", NUMBER, TOTAL)


def test_an_engine_that_cannot_load_is_not_ready_and_refuses_clearly(make_app: Callable[..., TestClient]) -> None:
    _need("tesseract")
    client = make_app(ocr_engine="tesseract", ocr_languages="klingon")
    ready = client.get("/health/ready")
    assert ready.status_code == 503 and ready.json()["checks"]["ocr"] == "down"

    response = upload(client, scanned_pdf(), "scan.pdf")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "scanned_pdf_needs_ocr"
    assert "the OCR engine could not read it" in response.json()["error"]["message"]


def test_rapidocr_lines_become_words_in_proportion_to_their_characters() -> None:
    # A line box 10 px high reaches 2 px (rapid._MARGIN) past the ink on every side.
    box = np.array([[-2.0, 0.0], [102.0, 0.0], [102.0, 10.0], [-2.0, 10.0]])
    latin = rapid._words(rapid._Line("ab cd", 0.9, box), points_per_pixel=1.0)
    assert [(word.text, word.x0, word.x1, word.top, word.bottom) for word in latin] == [
        ("ab", 0, 40, 2, 8),
        ("cd", 60, 100, 2, 8),
    ]
    chinese = rapid._words(rapid._Line("合计 12", 0.9, box), points_per_pixel=1.0)  # a CJK character is wide
    assert [(word.text, round(word.x0), round(word.x1)) for word in chinese] == [("合计", 0, 57), ("12", 71, 100)]


def test_rapidocr_straightens_a_tilted_page() -> None:
    tilt = np.radians(2)
    along, across = np.array([np.cos(tilt), np.sin(tilt)]), np.array([-np.sin(tilt), np.cos(tilt)])
    lines = [
        rapid._Line(
            "Invoice",
            1.0,
            np.array([origin, origin + 300 * along, origin + 300 * along + 20 * across, origin + 20 * across]),
        )
        for origin in (np.array([50.0, 100.0]), np.array([50.0, 200.0]))
    ]
    for line in rapid._straightened(lines):
        assert line.corners[0][1] == pytest.approx(line.corners[1][1])


def test_rapidocr_puts_back_the_word_spaces_its_model_leaves_out() -> None:
    # Ink up to x=46 and from 56 on a line box 30 px high (text 18 px): one blank gap of 10 px,
    # over half the text's height, between the characters centred at 40 and 62.
    image = np.full((30, 100), 255, dtype=np.uint8)
    image[8:22, :46] = image[8:22, 56:] = 0
    line = rapid._Line("ab", 1.0, np.array([[0.0, 0.0], [100.0, 0.0], [100.0, 30.0], [0.0, 30.0]]))
    gaps = rapid._blank_gaps(image, line)
    assert gaps == [(46.0, 56.0)]

    centres = [5.0, 13.0, 21.0, 29.0, 40.0, 62.0, 70.0, 78.0, 86.0, 94.0]
    assert rapid._spaced(list("Summenetto"), centres, gaps) == "Summe netto"
    assert rapid._spaced(list("1234,56789"), centres, gaps) == "1234,56789"  # numbers stay whole
    assert rapid._spaced(list("合计金额价税合计合计"), centres, gaps) == "合计金额价税合计合计"
    assert rapid._spaced(list("Summe etto"), centres, gaps) == "Summe etto"  # a space read stays one
