"""Payment fields on invoices made here: random accounts, references, terms and orders printed in
four languages' wording, with and without a QR code (EPC as a picture, Swiss QR-bill as vector
squares), and the same pages rasterised as scans (where only the codes are read: no OCR here).

    python -m bench.payment_generated [N]

Prints, per kind of page, the share of each field read right. The wording comes from a small set
of label variants, so this checks the mechanics (check digits, codes, boxes), not unseen layouts:
bench/payment.py on the e-invoice corpus is the figure for other people's documents.
"""

from __future__ import annotations

import io
import random
import sys
from collections import defaultdict
from decimal import Decimal

import pypdfium2 as pdfium
import segno
from PIL import Image
from qrbill import QRBill
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from stdnum import iban as iban_code

from app.parsing import ExtractedInvoice, parse_document
from app.parsing.codes import apply_codes
from app.parsing.pdf import read_codes

#: Per language: number, terms label, terms, order label, reference label, holder label.
WORDING = {
    "en": ("Invoice no.", "Payment terms", "Net {days}", "PO Number", "Payment reference", "Account holder"),
    "de": (
        "Rechnung Nr.", "Zahlungsbedingungen", "{days} Tage netto", "Bestellnummer", "Verwendungszweck", "Kontoinhaber",
    ),
    "fr": (
        "Facture n°", "Conditions de paiement", "à {days} jours", "Bon de commande", "Référence de paiement",
        "Titulaire du compte",
    ),
    "nl": (
        "Factuurnummer", "Betalingsvoorwaarden", "binnen {days} dagen", "Uw bestelling", "Betalingskenmerk",
        "Rekeninghouder",
    ),
}  # fmt: skip
BICS = ("COBADEFFXXX", "DEUTDEFF", "BNPAFRPPXXX", "INGBNL2A", "UBSWCHZH80A", "RABONL2U")
FIELDS = ("iban", "bic", "payment_reference", "purchase_order", "payment_terms_days", "total_amount")


def _iban(rng: random.Random, country: str) -> str:
    # DE: an 8-digit bank code and a 10-digit account; CH: a 5-digit clearing number and 12 digits
    # (a clearing number outside 30000-31999, which would make it a QR-IBAN, needing a QR reference)
    bban = f"{rng.randrange(10**17, 10**18)}" if country == "DE" else f"00762{rng.randrange(10**11, 10**12)}"
    return f"{country}{iban_code.calc_check_digits(f'{country}00{bban}')}{bban}"


def _rf(rng: random.Random) -> str:
    body = f"{rng.randrange(10**8, 10**12)}"
    number = int("".join(str(int(ch, 36)) for ch in body + "RF00"))
    return f"RF{98 - number % 97:02d}{body}"


def _spaced(text: str) -> str:
    return " ".join(text[index : index + 4] for index in range(0, len(text), 4))


def _truth(rng: random.Random, kind: str) -> dict[str, object]:
    return {
        "iban": _iban(rng, "CH" if kind == "swiss" else "DE"),
        "bic": rng.choice(BICS),
        "payment_reference": _rf(rng),
        "purchase_order": f"PO-{rng.randrange(1000, 99999)}",
        "payment_terms_days": rng.choice((10, 14, 30, 45, 60)),
        "total_amount": Decimal(rng.randrange(1000, 999999)) / 100,
        "language": rng.choice(sorted(WORDING)),
    }


def _payload(kind: str, truth: dict[str, object]) -> str | None:
    if kind == "epc":
        lines = ["BCD", "002", "1", "SCT", truth["bic"], "Nordwind GmbH", truth["iban"], f"EUR{truth['total_amount']}"]
        return "\n".join(map(str, [*lines, "", truth["payment_reference"], "", ""]))
    if kind == "swiss":  # made by the QR-bill's own library
        return str(
            QRBill(
                account=str(truth["iban"]),
                creditor={"name": "Nordwind AG", "pcode": "8001", "city": "Zürich", "country": "CH"},
                amount=str(truth["total_amount"]),
                currency="CHF",
                reference_number=str(truth["payment_reference"]),
                debtor={"name": "Kunde AG", "pcode": "8400", "city": "Winterthur", "country": "CH"},
            ).qr_data()
        )
    return None


def page(kind: str, truth: dict[str, object]) -> bytes:
    number, terms_label, terms, order, reference, holder = WORDING[str(truth["language"])]
    lines = [
        "Nordwind GmbH, Hafenstr. 4, 20457 Hamburg",
        f"{number} {random.Random(str(truth['iban'])).randrange(1000, 9999)}",
        f"{order}: {truth['purchase_order']}",
        f"Total: {truth['total_amount']:.2f} EUR",
        f"{terms_label}: {terms.format(days=truth['payment_terms_days'])}",
        f"{holder}: Nordwind GmbH",
        f"IBAN: {_spaced(str(truth['iban']))}   BIC: {truth['bic']}",
        f"{reference}: {_spaced(str(truth['payment_reference']))}",
    ]
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    for index, line in enumerate(lines):
        sheet.drawString(50, 800 - 16 * index, line)
    if (payload := _payload(kind, truth)) is not None:
        code = segno.make(payload, error="m", micro=False)
        if kind == "swiss":  # vector squares, as QR-bill libraries draw them
            step = 130 / code.symbol_size(scale=1, border=0)[0]
            for row, bits in enumerate(code.matrix):
                for column, bit in enumerate(bits):
                    if bit:
                        sheet.rect(380 + column * step, 600 - (row + 1) * step, step, step, stroke=0, fill=1)
        else:
            png = io.BytesIO()
            code.save(png, kind="png", scale=4, border=0)
            sheet.drawImage(ImageReader(io.BytesIO(png.getvalue())), 380, 470, 130, 130)
    sheet.save()
    return buffer.getvalue()


def scan(pdf: bytes) -> bytes:
    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=200 / 72, grayscale=True).to_pil()
    document.close()
    out = io.BytesIO()
    Image.Image.save(image, out, format="PDF", resolution=200)
    return out.getvalue()


def report(count: int = 40) -> None:
    rng = random.Random(20261207)
    right: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for _ in range(count):
        for kind in ("text", "epc", "swiss"):
            truth = _truth(rng, kind)
            pdf = page(kind, truth)
            invoice = parse_document(pdf)
            for name in FIELDS:
                right[(kind, name)].append(getattr(invoice, name) == truth[name])
            if kind != "text":  # the scan: the code only, its text unread
                codes_only = _codes_only(scan(pdf))
                for name in ("iban", "payment_reference", "total_amount"):
                    right[(f"{kind} scan", name)].append(getattr(codes_only, name) == truth[name])
    print(f"=== payment fields on {count} generated invoices of each kind")
    print(f"  {'kind':12s} " + " ".join(f"{name[:14]:>14s}" for name in FIELDS))
    for kind in ("text", "epc", "swiss", "epc scan", "swiss scan"):
        cells = []
        for name in FIELDS:
            oks = right.get((kind, name), [])
            cells.append(f"{100 * sum(oks) / len(oks):13.1f}%" if oks else f"{'-':>14s}")
        print(f"  {kind:12s} " + " ".join(cells))


def _codes_only(pdf: bytes) -> ExtractedInvoice:
    """The fields a scan's codes give, with no OCR: the codes applied to a page of no words."""
    invoice = ExtractedInvoice(input_format="pdf_scanned", pages=1)
    apply_codes(invoice, read_codes(pdf, max_pages=5))
    return invoice


def main() -> None:
    report(int(sys.argv[1]) if len(sys.argv) > 1 else 40)


if __name__ == "__main__":
    main()
