"""Page images of a kept original, for the review page: PNGs of the requested width."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from PIL import Image

from tests.conftest import ROOT, corpus_bytes, upload
from tests.hostile import assemble_pdf


def _image(response: object) -> Image.Image:
    return Image.open(io.BytesIO(response.content))  # type: ignore[attr-defined]


def test_a_page_as_a_png_of_the_width_asked(client: TestClient) -> None:
    invoice = upload(client, corpus_bytes("de-rechnung-01.pdf")).json()
    default = client.get(f"/api/v2/invoices/{invoice['id']}/pages/1")
    assert default.status_code == 200 and default.headers["content-type"] == "image/png"
    assert _image(default).width == 1000 and _image(default).height > 1000  # A4 is taller than wide
    assert default.headers["cache-control"].startswith("private")
    width, height = (float(side) for side in default.headers["x-page-size"].split())
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    small = client.get(f"/api/v2/invoices/{invoice['id']}/pages/1?width=300")
    assert _image(small).size[0] == 300


def test_pages_that_are_not_there(client: TestClient) -> None:
    invoice = upload(client, corpus_bytes("de-rechnung-01.pdf")).json()
    beyond = client.get(f"/api/v2/invoices/{invoice['id']}/pages/2")
    assert (beyond.status_code, beyond.json()["error"]["code"]) == (404, "page_not_found")
    for bad in ("0", "x"):
        assert client.get(f"/api/v2/invoices/{invoice['id']}/pages/{bad}").status_code == 422
    assert client.get(f"/api/v2/invoices/{invoice['id']}/pages/1?width=5000").status_code == 422
    xml = upload(client, (ROOT / "tests" / "samples" / "ubl_invoice.xml").read_bytes(), "invoice.xml").json()
    no_pages = client.get(f"/api/v2/invoices/{xml['id']}/pages/1")
    assert (no_pages.status_code, no_pages.json()["error"]["code"]) == (404, "page_not_found")
    other = TestClient(client.app).get(f"/api/v2/invoices/{invoice['id']}/pages/1")
    assert (other.status_code, other.json()["error"]["code"]) == (404, "invoice_not_found")


def test_a_page_box_of_absurd_size_is_rendered_within_bounds(client: TestClient) -> None:
    """The largest page PDF allows (200 x 200 inches), very narrow and tall, or both."""
    for width, height in ((14400, 14400), (3, 14400)):
        page = assemble_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> >> >>" % (width, height),
                b"<< /Length 44 >>\nstream\nBT /F1 12 Tf 10 10 Td (Invoice 1) Tj ET\nendstream",
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            ]
        )
        invoice = upload(client, page).json()
        image = _image(client.get(f"/api/v2/invoices/{invoice['id']}/pages/1?width=2400"))
        assert image.width * image.height <= 12_000_000 and max(image.size) <= 8_000
