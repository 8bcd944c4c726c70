"""Printing through HTTP: the returned PDF is rendered with pypdfium2 to see where content lands."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfWriter
from reportlab.pdfgen.canvas import Canvas

from app.exports.nup import PrintItem, compose
from app.invoices.schemas import Invoice
from tests.conftest import corpus_bytes, upload

A4_PORTRAIT = (595, 842)
A4_LANDSCAPE = (842, 595)


def parse(client: TestClient, data: bytes, name: str) -> dict[str, Any]:
    response = upload(client, data, name)
    assert response.status_code == 201, response.text
    invoice: dict[str, Any] = response.json()
    return invoice


def parse_ocr(client: TestClient, name: str) -> dict[str, Any]:
    response = client.post("/api/v2/invoices/parse", files={"ocr": (name, corpus_bytes(name), "application/json")})
    assert response.status_code == 201
    invoice: dict[str, Any] = response.json()
    return invoice


def print_pdf(client: TestClient, ids: list[str], per_page: int) -> pdfium.PdfDocument:
    response = client.post("/api/v2/print", json={"ids": ids, "per_page": per_page})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return pdfium.PdfDocument(response.content)


def text_in(page: pdfium.PdfPage, left: float, bottom: float, right: float, top: float) -> str:
    text: str = page.get_textpage().get_text_bounded(left=left, bottom=bottom, right=right, top=top)
    return text


def size(page: pdfium.PdfPage) -> tuple[int, int]:
    width, height = page.get_size()
    return round(width), round(height)


def framed_invoice(width: float, height: float, *, rotate: int = 0) -> bytes:
    """A one-page invoice whose page is outlined by a thick black frame, to measure where it lands."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.setLineWidth(6)
    canvas.rect(3, 3, width - 6, height - 6)
    for line, text in enumerate(["ACME Receipts Ltd", "Invoice No: R-77", "Date: 2024-03-01", "Total: 10.00 EUR"]):
        canvas.drawString(20, height - 40 - 16 * line, text)
    canvas.save()
    if not rotate:
        return buffer.getvalue()
    writer = PdfWriter(clone_from=io.BytesIO(buffer.getvalue()))
    writer.pages[0].rotate(rotate)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def ink_box(page: pdfium.PdfPage) -> tuple[float, float, float, float]:
    """Left, top, right, bottom (points from the top-left corner) of the dark pixels on the page."""
    image = page.render(scale=1, grayscale=True).to_pil()
    dark = image.point(lambda value: 255 if value < 100 else 0)
    box = dark.getbbox()
    assert box is not None
    return box


def test_four_per_page_fills_cells_in_order_with_multipage_and_summary(client: TestClient) -> None:
    one = parse(client, corpus_bytes("us-invoice-01.pdf"), "us-invoice-01.pdf")
    three = parse(client, corpus_bytes("us-invoice-02.pdf"), "us-invoice-02.pdf")
    other = parse(client, corpus_bytes("de-rechnung-01.pdf"), "de-rechnung-01.pdf")
    ocr = parse_ocr(client, "cn-fapiao-ocr-01.ocr.json")
    assert three["pages"] == 3

    document = print_pdf(client, [one["id"], three["id"], other["id"], ocr["id"]], per_page=4)

    assert len(document) == 2  # 1 + 3 + 1 + 1 cells
    first, second = document[0], document[1]
    assert size(first) == A4_PORTRAIT
    width, height = first.get_size()
    quadrants = [
        (0, height / 2, width / 2, height),
        (width / 2, height / 2, width, height),
        (0, 0, width / 2, height / 2),
        (width / 2, 0, width, height / 2),
    ]
    assert one["invoice_number"] in text_in(first, *quadrants[0])
    assert three["invoice_number"] in text_in(first, *quadrants[1])  # its first page
    assert one["invoice_number"] not in text_in(first, *quadrants[1])
    assert text_in(first, *quadrants[3]).strip()  # its third page
    assert other["invoice_number"] in text_in(second, *quadrants[0])
    summary = text_in(second, *quadrants[1])
    assert "Invoice summary" in summary and ocr["invoice_number"] in summary and "ocr_json" in summary
    assert not text_in(second, *quadrants[2]).strip() and not text_in(second, *quadrants[3]).strip()


@pytest.mark.parametrize(
    ("per_page", "sheet", "cell_width"),
    [(1, A4_PORTRAIT, 595 - 36), (2, A4_LANDSCAPE, (842 - 36 - 18) / 2), (4, A4_PORTRAIT, (595 - 36 - 18) / 2)],
)
def test_pages_keep_their_aspect_and_are_centred_in_their_cell(
    client: TestClient, per_page: int, sheet: tuple[int, int], cell_width: float
) -> None:
    tall = parse(client, framed_invoice(500, 1000), "tall.pdf")  # 1:2, larger than any cell

    page = print_pdf(client, [tall["id"]], per_page=per_page)[0]

    assert size(page) == sheet
    left, top, right, bottom = ink_box(page)
    assert (bottom - top) == pytest.approx(2 * (right - left), rel=0.03)
    cell_height = {1: 842 - 36, 2: 595 - 36, 4: (842 - 36 - 18) / 2}[per_page]
    assert bottom - top == pytest.approx(min(cell_height, 2 * cell_width), abs=3)  # as large as fits
    assert (left + right) / 2 == pytest.approx(18 + cell_width / 2, abs=3)  # centred in the first cell


def test_small_pages_are_not_enlarged_and_rotation_is_honoured(client: TestClient) -> None:
    receipt = parse(client, framed_invoice(200, 300), "receipt.pdf")
    turned = parse(client, framed_invoice(200, 300, rotate=90), "turned.pdf")

    document = print_pdf(client, [receipt["id"], turned["id"]], per_page=1)

    left, top, right, bottom = ink_box(document[0])
    assert (right - left, bottom - top) == (pytest.approx(200, abs=2), pytest.approx(300, abs=2))
    left, top, right, bottom = ink_box(document[1])
    assert (right - left, bottom - top) == (pytest.approx(300, abs=2), pytest.approx(200, abs=2))


@pytest.mark.parametrize(("per_page", "guides"), [(1, False), (2, True), (4, True)])
def test_cut_guides_run_between_cells(client: TestClient, per_page: int, guides: bool) -> None:
    invoice = parse(client, corpus_bytes("uk-invoice-01.pdf"), "uk-invoice-01.pdf")

    page = print_pdf(client, [invoice["id"]] * per_page, per_page=per_page)[0]

    image = page.render(scale=1, grayscale=True).to_pil()
    middle = image.width // 2
    column = [min(image.getpixel((x, y)) for x in range(middle - 1, middle + 2)) for y in range(image.height)]
    grey_rows = sum(1 for value in column if 100 < value < 230)
    assert (grey_rows > image.height / 3) is guides  # dashed: about half of the rows


def test_unknown_or_foreign_ids_and_bad_layouts_are_refused(client: TestClient) -> None:
    invoice = parse(client, corpus_bytes("uk-invoice-01.pdf"), "uk-invoice-01.pdf")
    stranger = TestClient(client.app)

    unknown = client.post("/api/v2/print", json={"ids": [invoice["id"], "inv_missing"], "per_page": 2})
    foreign = stranger.post("/api/v2/print", json={"ids": [invoice["id"]]})
    three = client.post("/api/v2/print", json={"ids": [invoice["id"]], "per_page": 3})
    empty = client.post("/api/v2/print", json={"ids": []})

    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "invoice_not_found")
    assert "inv_missing" in unknown.json()["error"]["message"]
    assert foreign.status_code == 404
    assert (three.status_code, three.json()["error"]["field"]) == (422, "per_page")
    assert (empty.status_code, empty.json()["error"]["field"]) == (422, "ids")


def test_an_original_pypdf_cannot_read_gets_a_summary_page(client: TestClient) -> None:
    """No PDF that pdfium reads and pypdf refuses is at hand, so the fallback is checked on the
    layout function itself, with a parsed invoice whose original is damaged."""
    invoice = parse(client, corpus_bytes("uk-invoice-01.pdf"), "uk-invoice-01.pdf")
    item = PrintItem(invoice=Invoice.model_validate(invoice), original=b"%PDF-1.7\n damaged beyond reading")

    document = pdfium.PdfDocument(compose([item], per_page=1))

    text = document[0].get_textpage().get_text_range()
    assert "Invoice summary" in text and "could not be laid out" in text
    assert invoice["invoice_number"] in text


def test_an_invoice_listed_many_times_is_read_once(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under Redis every read is a fresh copy: 500 listings of one 20 MB original were 10 GB."""
    invoice = parse(client, corpus_bytes("us-invoice-01.pdf"), "us-invoice-01.pdf")
    store = client.app.state.store  # type: ignore[attr-defined]
    read, load_original = [], store.load_original

    async def counted(session_id: str, invoice_id: str) -> bytes | None:
        read.append(invoice_id)
        original: bytes | None = await load_original(session_id, invoice_id)
        return original

    monkeypatch.setattr(store, "load_original", counted)
    document = print_pdf(client, [invoice["id"]] * 500, per_page=4)
    assert len(document) == 125
    assert invoice["invoice_number"] in text_in(document[124], *document[124].get_bbox())
    assert read == [invoice["id"]]


def test_listings_whose_originals_pass_the_limit_are_a_413(make_app: Callable[..., TestClient]) -> None:
    """Each listing copies its original's pages into the sheets the web process then holds: 200
    listings of one 1 MiB original made a 210 MB answer."""
    original = corpus_bytes("us-invoice-01.pdf")
    client = make_app(print_max_bytes=3 * len(original))
    invoice = parse(client, original, "us-invoice-01.pdf")
    assert len(print_pdf(client, [invoice["id"]] * 3, per_page=4)) == 1
    refused = client.post("/api/v2/print", json={"ids": [invoice["id"]] * 4, "per_page": 4})
    assert (refused.status_code, refused.json()["error"]["code"]) == (413, "print_too_large")
    assert "Print fewer" in refused.json()["error"]["message"]


def test_a_sheet_previewed_as_an_image(client: TestClient) -> None:
    ids = [upload(client, corpus_bytes(name)).json()["id"] for name in ("de-rechnung-01.pdf", "us-invoice-01.pdf")]
    one_up = client.post("/api/v2/print/preview", json={"ids": ids * 3, "per_page": 1, "width": 300})
    assert one_up.status_code == 200 and one_up.headers["content-type"] == "image/png"
    assert one_up.headers["x-sheets"] == "6"
    assert Image.open(io.BytesIO(one_up.content)).width == 300
    four_up = client.post("/api/v2/print/preview", json={"ids": ids * 3, "per_page": 4, "sheet": 2})
    assert four_up.headers["x-sheets"] == "2"
    beyond = client.post("/api/v2/print/preview", json={"ids": ids, "per_page": 2, "sheet": 2})
    assert (beyond.status_code, beyond.json()["error"]["code"]) == (404, "page_not_found")
