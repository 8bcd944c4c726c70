"""Field finders on hand-written text lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.parsing.fields import find_invoice_date, find_invoice_number, find_total


def test_invoice_number_labels_in_many_languages() -> None:
    cases = {
        "Invoice No. INV-2024-0317": "INV-2024-0317",
        "Rechnungsnummer: 2024/0214": "2024/0214",
        "Facture n° F-24-0931": "F-24-0931",
        "Nº Factura: A-2024/1187 Fecha: 05/07/2024": "A-2024/1187",
        "Factuurnummer TH-24-00871": "TH-24-00871",
        "Fattura n. 245/2024": "245/2024",
        "发票号码：04571382": "04571382",
        "Invoice #0042": "0042",
    }
    for line, expected in cases.items():
        found = find_invoice_number([line])
        assert found is not None and found.value == expected, line


def test_invoice_number_on_the_next_line_and_not_a_date() -> None:
    assert find_invoice_number(["Rechnungsnummer", "RE-77"]).value == "RE-77"  # type: ignore[union-attr]
    assert find_invoice_number(["Invoice No. 12.03.2024"]) is None


def test_invoice_date_prefers_issue_date_over_other_dates() -> None:
    lines = ["Bestelldatum 12.04.2024", "Rechnungsdatum 06.05.2024", "Lieferdatum 30.04.2024"]
    found = find_invoice_date(lines, day_first=True)
    assert found is not None and found.value == date(2024, 5, 6) and found.confidence >= 0.9


def test_generic_date_label_is_used_with_lower_confidence() -> None:
    found = find_invoice_date(["Datum: 15.03.2024", "Lieferdatum: 13.03.2024"], day_first=True)
    assert found is not None and found.value == date(2024, 3, 15) and found.confidence < 0.9


def test_unlabelled_competing_dates_give_no_answer() -> None:
    assert find_invoice_date(["15.03.2024", "13.03.2024"], day_first=True) is None


def test_total_prefers_grand_total_over_subtotal_tax_and_balance() -> None:
    lines = [
        "Subtotal $16,845.00",
        "Tax $2,522.54",
        "Total $19,367.54",
        "Amount paid $5,000.00",
        "Amount due $14,367.54",
    ]
    found = find_total(lines)
    assert found is not None and found.value == Decimal("19367.54")


def test_total_labels_in_many_languages() -> None:
    cases = {
        "Total TTC 4 929,02 €": "4929.02",
        "Gesamtbetrag 12.954,00 €": "12954.00",
        "Total inkl. MWST CHF 3'748.37": "3748.37",
        "Gutschriftbetrag -380,92 €": "-380.92",
        "价税合计（大写） ⓧ叁仟捌佰圆整 （小写）¥3800.00": "3800.00",
        "TOTAL FACTURA 1.544,20 €": "1544.20",
    }
    for line, expected in cases.items():
        found = find_total(["Summe netto 1,00", line])
        assert found is not None and found.value == Decimal(expected), line


def test_no_total_label_gives_no_answer() -> None:
    assert find_total(["Widget 2 50.00 100.00", "Thank you"]) is None
