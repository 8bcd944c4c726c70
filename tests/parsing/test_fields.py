"""Field finders on hand-written pages (plain text: runs of 2+ spaces separate cells)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.parsing.fields import find_due_date, find_invoice_date, find_invoice_number
from app.parsing.layout import text_lines
from app.parsing.totals import _kind, summarise


def test_invoice_number_labels_in_many_languages() -> None:
    cases = {
        "Invoice No. INV-2024-0317": "INV-2024-0317",
        "Rechnungsnummer: 2024/0214": "2024/0214",
        "Facture n° F-24-0931": "F-24-0931",
        "Nº Factura: A-2024/1187    Fecha: 05/07/2024": "A-2024/1187",
        "Factuurnummer TH-24-00871": "TH-24-00871",
        "Fattura n. 245/2024": "245/2024",
        "发票号码:04571382": "04571382",
        "Invoice #0042": "0042",
        "請求書番号 SS-2024-0331": "SS-2024-0331",
    }
    for line, expected in cases.items():
        found = find_invoice_number(text_lines(line))
        assert found is not None and found.value == expected, line


def test_invoice_number_beside_below_and_not_a_date() -> None:
    assert find_invoice_number(text_lines("Rechnungs-Nr.:    RE-77")).value == "RE-77"  # type: ignore[union-attr]
    below = text_lines("INVOICE NUMBER    INVOICE DATE\nTP-10588          08/03/2024")
    assert find_invoice_number(below).value == "TP-10588"  # type: ignore[union-attr]
    assert find_invoice_number(text_lines("Invoice No. 12.03.2024")) is None


def test_a_till_receipt_is_numbered_by_its_transaction_unless_a_number_is_labelled() -> None:
    receipt = text_lines("29/06/2024 11:03\nTrans 2207-44512\nBALANCE DUE      £73.95")
    assert find_invoice_number(receipt).value == "2207-44512"  # type: ignore[union-attr]
    numbered = text_lines("Receipt No. R-118\nTransaction 2207-44512")
    assert find_invoice_number(numbered).value == "R-118"  # type: ignore[union-attr]


def test_credit_note_number_wins_over_the_corrected_invoice() -> None:
    page = text_lines("Credit note no. CN-00045\nOriginal invoice no. INV-2024-0133")
    assert find_invoice_number(page).value == "CN-00045"  # type: ignore[union-attr]


def test_invoice_date_prefers_issue_date_over_other_dates() -> None:
    page = text_lines("Bestelldatum 12.04.2024\nRechnungsdatum 06.05.2024\nLieferdatum 30.04.2024")
    found = find_invoice_date(page, day_first=True)
    assert found is not None and found.value == date(2024, 5, 6) and found.confidence >= 0.9


def test_date_label_above_its_value() -> None:
    page = text_lines("Facture n°      Date          Échéance\nTG24-06-3318    30/06/2024    30/07/2024")
    assert find_invoice_date(page, day_first=True).value == date(2024, 6, 30)  # type: ignore[union-attr]
    assert find_due_date(page, day_first=True).value == date(2024, 7, 30)  # type: ignore[union-attr]


def test_generic_date_label_is_used_with_lower_confidence() -> None:
    found = find_invoice_date(text_lines("Datum: 15.03.2024\nLieferdatum: 13.03.2024"), day_first=True)
    assert found is not None and found.value == date(2024, 3, 15) and found.confidence < 0.9


def test_unlabelled_competing_dates_give_no_answer() -> None:
    assert find_invoice_date(text_lines("15.03.2024\n13.03.2024"), day_first=True) is None


def test_an_unlabelled_date_beats_one_under_a_column_heading() -> None:
    page = text_lines("Tax Invoice No: 240120\n31st January 2020\nTo: Body Corporate\nDays Visited\n16/01/20")
    found = find_invoice_date(page, day_first=True)
    assert found is not None and found.value == date(2020, 1, 31) and found.confidence < 0.9


def test_payment_terms_are_not_a_due_date() -> None:
    assert find_due_date(text_lines("Invoice date 01.03.2024\nTerms: Net 30"), day_first=True) is None


def test_summary_picks_the_set_that_adds_up() -> None:
    page = text_lines(
        "Subtotal              $950.40\n"
        "SPRING24 (20% off)   -$190.08\n"
        "Total excluding tax   $760.32\n"
        "Sales tax (8.875%)     $67.48\n"
        "Total                 $827.80\n"
        "Amount paid           $300.00\n"
        "Amount due            $527.80"
    )
    summary = summarise(page)
    assert summary.consistent
    assert (summary.subtotal, summary.discount, summary.tax, summary.total) == (
        Decimal("950.40"),
        Decimal("190.08"),
        Decimal("67.48"),
        Decimal("827.80"),
    )
    assert summary.confidence["total_amount"] > 0.9


def test_summary_sums_several_tax_rates_and_reads_label_with_base() -> None:
    page = text_lines(
        "Summe netto                     1.085,75 €\n"
        "zzgl. 19 % USt. auf 900,00 €      171,00 €\n"
        "zzgl. 7 % USt. auf 185,75 €        13,00 €\n"
        "Rechnungsbetrag                 1.269,75 €"
    )
    summary = summarise(page)
    assert summary.consistent and summary.tax == Decimal("184.00") and summary.total == Decimal("1269.75")


def test_summary_that_does_not_add_up_is_flagged_and_unsure() -> None:
    summary = summarise(text_lines("Subtotal   100.00\nVAT   20.00\nTotal   125.00"))
    assert not summary.consistent
    assert summary.total == Decimal("125.00") and summary.confidence["total_amount"] < 0.9


def test_no_total_label_gives_no_total() -> None:
    assert summarise(text_lines("Widget   2   50.00   100.00\nThank you")).total is None


def test_total_labels_in_many_languages() -> None:
    cases = {
        "Total TTC    4 929,02 €": "4929.02",
        "Gesamtbetrag    12.954,00 €": "12954.00",
        "Total inkl. MWST    CHF 3'748.37": "3748.37",
        "TOTAL FACTURA    1.544,20 €": "1544.20",
        "合計    ¥309,650": "309650",
    }
    for line, expected in cases.items():
        summary = summarise(text_lines(line), whole_units=True)
        assert summary.total == Decimal(expected), line


def test_receipt_with_tax_included_has_no_net_subtotal() -> None:
    page = text_lines(
        "TOTAL                 £27.85\nCard (contactless)    £27.85\nPrices include VAT\n"
        "VAT 20% included      £4.64\nNet                   £23.21"
    )
    summary = summarise(page)
    assert (summary.subtotal, summary.tax, summary.total) == (None, Decimal("4.64"), Decimal("27.85"))


def test_tax_marked_incl_at_the_end_of_its_label_is_included_tax() -> None:
    summary = summarise(text_lines("BALANCE DUE       £73.95\nVAT @20% incl.    £12.33"))
    assert (summary.subtotal, summary.tax, summary.total) == (None, Decimal("12.33"), Decimal("73.95"))


def test_tax_labelled_with_its_rate_in_one_run_of_text() -> None:
    """OCR text keeps single spaces: the label is all the text before the value, rate included."""
    summary = summarise(text_lines("Nettobetrag 3.517,60 €\nzzgl. 19 % MwSt. 668,34 €\nRechnungsbetrag 4.185,94 €"))
    assert (summary.subtotal, summary.tax, summary.total) == (Decimal("3517.60"), Decimal("668.34"), Decimal("4185.94"))
    assert summary.consistent


def test_summary_with_surcharges_allowances_and_a_stated_net_total() -> None:
    """A surcharge takes part in the arithmetic without being shipping; the net total printed
    as 'Rechnungssumme ohne USt.' is no grand total; the VAT recap rows add up to the tax."""
    page = text_lines(
        "Art (Kategorie)    Warenwert    Basisbetrag    Steuersatz    Steuerbetrag\n"
        "Umsatzsteuer (S)    113,03    7    7,91\n"
        "Umsatzsteuer (S)    64,40    19    12,24\n"
        "Positionssumme    180,70\n"
        "Gesamtbetrag der Zuschläge    5,80\n"
        "Gesamtbetrag der Abschläge    -9,07\n"
        "Rechnungssumme ohne USt.    177,43\n"
        "Steuerbetrag in EUR    20,15\n"
        "Bruttosumme    197,58\n"
        "Erhaltene Anzahlungen    50,00\n"
        "Zahlbetrag    147,58\n"
    )
    summary = summarise(page)
    assert summary.consistent
    assert (summary.subtotal, summary.discount, summary.shipping) == (Decimal("180.70"), Decimal("9.07"), None)
    assert (summary.tax, summary.total) == (Decimal("20.15"), Decimal("197.58"))


def test_vat_table_of_a_receipt_gives_the_tax_and_no_net_subtotal() -> None:
    """Rows per rate under 'Netto | Steuer | Brutto': the columns add up (or the table's own total
    row says it); items that add up to the gross total mean prices include tax."""
    rows = (
        "Steuer %    Netto    Steuer    Brutto\nA= 19,0%    6,57    1,25    7,82\nB= 7,0%    27,18    1,90    29,08\n"
    )
    for page in (rows, rows + "Gesamtbetrag    33,75    3,15    36,90\n"):
        summary = summarise(text_lines("SUMME EUR    36,90\n" + page), items_total=Decimal("36.90"))
        assert (summary.subtotal, summary.tax, summary.total) == (None, Decimal("3.15"), Decimal("36.90"))


def test_an_item_table_is_no_summary_table() -> None:
    page = text_lines(
        "Désignation    Qté    P.U. HT    TVA    Montant HT\n"
        "Suspension LED    4    389,00 €    20%    1 556,00 €\n"
        "Total HT    1 556,00 €\nTVA 20%    311,20 €\nTotal TTC    1 867,20 €\n"
    )
    summary = summarise(page)
    assert (summary.subtotal, summary.tax, summary.total) == (Decimal("1556.00"), Decimal("311.20"), Decimal("1867.20"))


def test_a_three_letter_tax_label_is_not_taken_for_a_currency_code() -> None:
    summary = summarise(text_lines("Sub Total $25.00\nGST $3.75\nTOTAL $28.75"))
    assert (summary.subtotal, summary.tax, summary.total) == (Decimal("25.00"), Decimal("3.75"), Decimal("28.75"))
    dotted = summarise(text_lines("NET TOTAL:    $1,992.16\nG.S.T    $298.82\nTOTAL:    $2,290.98"))
    assert dotted.tax == Decimal("298.82") and dotted.consistent


def test_a_date_label_wrapped_over_two_lines() -> None:
    page = text_lines("Rechnungsdatum\n/Lieferdatum    01 Dezember 2025\nBestelldatum    28 November 2025")
    assert find_invoice_date(page, day_first=True).value == date(2025, 12, 1)  # type: ignore[union-attr]


def test_a_number_under_a_lone_title_after_its_sign() -> None:
    assert find_invoice_number(text_lines("INVOICE\n# 9379")).value == "9379"  # type: ignore[union-attr]


def test_a_credit_note_dated_only_by_its_invoice_date_label() -> None:
    """A credit note whose one dated label says 'Date de facture' dates itself with it; beside a
    date of its own, the invoice date is the credited invoice's."""
    alone = text_lines("Avoir AV-2017-0005\nDate de facture    16/11/2017\nFacture liée    FA-2017-0010")
    assert find_invoice_date(alone, day_first=True).value == date(2017, 11, 16)  # type: ignore[union-attr]
    assert find_invoice_number(alone).value == "AV-2017-0005"  # type: ignore[union-attr]
    both = text_lines("Credit note\nDate    20/02/2024\nInvoice date    14/01/2024")
    assert find_invoice_date(both, day_first=True).value == date(2024, 2, 20)  # type: ignore[union-attr]


def test_a_credit_notes_unsigned_tax_and_share_capital_in_the_letterhead() -> None:
    page = text_lines(
        "TVA : FR11999999998 - SARL au capital de 120 000,00 €\n"
        "Total HT    -218,48 €\nTaxes    14,99 €\nTotal TTC    -233,47 €\n"
    )
    summary = summarise(page)
    assert (summary.subtotal, summary.tax, summary.total) == (Decimal("-218.48"), Decimal("-14.99"), Decimal("-233.47"))


def test_a_currency_sign_inside_a_total_label() -> None:
    summary = summarise(text_lines("Subtotal    573.00\n19% VAT    108.87\nTotal € Incl. VAT    681.87"))
    assert summary.total == Decimal("681.87") and summary.consistent


def test_a_total_row_under_its_header_with_a_paragraph_between_and_a_related_invoice_date() -> None:
    page = text_lines(
        "Date :    31/12/2018\n"
        "DATE DE FACTURE ASSOCIÉE :    30/11/2018\n"
        "TOTAL HT        TOTAL TVA        TOTAL TTC\n"
        "de trois fois le taux d'intérêt légal.\n"
        "100,00          10,00            110,00\n"
        "Acompte :    10,00\n"
        "NET A PAYER    100,00 EUR\n"
    )
    summary = summarise(page)
    assert (summary.subtotal, summary.tax, summary.total) == (Decimal("100.00"), Decimal("10.00"), Decimal("110.00"))
    assert find_invoice_date(page, day_first=True).value == date(2018, 12, 31)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        # the names EN 16931 gives its totals, as e-invoice viewers print them
        ("Sum of Invoice line net amount", "subtotal"),
        ("Invoice total amount without VAT", "net_total"),
        ("Invoice total VAT amount", "tax"),
        ("Subtotale IVA", "tax"),
        ("Prezzo Totale (IVA esclusa)", "subtotal"),
        ("Invoice total amount with VAT", "total:3"),
        ("Amount due for payment", "total:1"),
        ("Summe der Nettobeträge aller Rechnungspositionen", "subtotal"),
        ("Gesamtbetrag der Rechnung ohne Umsatzsteuer", "net_total"),
        ("Gesamtbetrag der Rechnungsumsatzsteuer", "tax"),
        ("Gesamtbetrag einschl. Umsatzsteuer", "total:3"),
        ("Summe Umsatzsteuer", "tax"),
        ("TOTAL TVA", "tax"),
        ("Total hors TVA", "subtotal"),
    ],
)
def test_summary_labels_of_e_invoice_viewers(label: str, kind: str) -> None:
    assert _kind(label) == kind


def test_a_second_total_as_strong_as_the_chosen_one_leaves_it_in_doubt() -> None:
    """A receipt paid partly by voucher: SUMME 39,44, but its tax table adds up to 37,36."""
    page = text_lines(
        "SUMME    EUR    39,44\nSteuer %    Netto    Steuer    Brutto\nA= 19,0%    34,44    2,92    37,36\n"
    )
    summary = summarise(page)
    assert summary.total == Decimal("37.36") and summary.confidence["total_amount"] < 0.9
    # the items, which sum to SUMME, settle it: the tax table's gross is after the voucher
    summary = summarise(page, items_total=Decimal("39.44"))
    assert (summary.total, summary.tax, summary.subtotal) == (Decimal("39.44"), Decimal("2.92"), None)
    assert summary.confidence["total_amount"] < 0.9 and not summary.consistent


def test_an_order_summary_is_numbered_and_dated_by_its_order_only_when_nothing_names_an_invoice() -> None:
    summary = text_lines(
        "Final Details for Order #111-2536880-6683414\nOrder Placed: November 8, 2025\nOrder Total: $3,269.00"
    )
    number, issued = find_invoice_number(summary), find_invoice_date(summary, day_first=False)
    assert number is not None and (number.value, number.confidence) == ("111-2536880-6683414", 0.6)
    assert issued is not None and (issued.value, issued.confidence) == (date(2025, 11, 8), 0.6)
    invoice = text_lines(
        "Invoice No. INV-77\nInvoice date: 12/11/2025\nOrder #111-2536880\nOrder Placed: November 8, 2025"
    )
    assert find_invoice_number(invoice).value == "INV-77"  # type: ignore[union-attr]
    assert find_invoice_date(invoice, day_first=False).value == date(2025, 12, 11)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("title", "number"),
    [
        ("Teilrechnung Bau (875) Nr. 210111 mit LV vom 30.05.2026", "210111 mit LV"),
        ("Handelsrechnung (380) Nr. 471102 vom 15.11.2024", "471102"),
        ("Rechnung # RE-20171118/506 von 18.11.2017", "RE-20171118/506"),
        ("Rechnung Nr. 2024-118", "2024-118"),
    ],
)
def test_a_title_number_runs_up_to_its_date(title: str, number: str) -> None:
    found = find_invoice_number(text_lines(f"{title}\nKunde: Muster GmbH"))
    assert found is not None and found.value == number


def test_a_summary_table_whose_header_wraps_onto_a_second_line() -> None:
    """ "Prezzo Totale" alone would read as a second grand total; "(IVA esclusa)" under it makes
    it the net, and the table's tax column adds up with it."""
    page = text_lines(
        "Totale fattura                                     € 51,83\n"
        "IVA %      Prezzo Totale      Subtotale IVA\n"
        "           (IVA esclusa)\n"
        "20%        € 43,19            € 8,64\n"
        "Totale     € 43,19            € 8,64\n"
    )
    summary = summarise(page)
    assert (summary.subtotal, summary.tax, summary.total) == (Decimal("43.19"), Decimal("8.64"), Decimal("51.83"))
