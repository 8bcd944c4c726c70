"""Line items from hand-written tables (runs of 2+ spaces separate cells)."""

from __future__ import annotations

from decimal import Decimal

from app.parsing.layout import Cell, Line, Word, text_lines
from app.parsing.lineitems import find_line_items
from app.parsing.totals import summarise


def test_items_with_wrapped_descriptions_and_a_rate_column() -> None:
    page = text_lines(
        "Pos.    Bezeichnung                     Menge      USt      Einzelpreis    Gesamt\n"
        "1       Kopierpapier A4, 80 g/m2,       40 Pck.    19%      4,79           191,60\n"
        "        hochweiß, 500 Blatt\n"
        "2       Ordner A4                       2,5 Stk.   19%      2,00           5,00\n"
        "                                                  Summe netto              196,60"
    )
    items = find_line_items(page)
    assert [(i.description, i.quantity, i.unit_price, i.amount) for i in items] == [
        ("Kopierpapier A4, 80 g/m2, hochweiß, 500 Blatt", Decimal("40"), Decimal("4.79"), Decimal("191.60")),
        ("Ordner A4", Decimal("2.5"), Decimal("2.00"), Decimal("5.00")),
    ]
    assert str(items[0].quantity) == "40"


def test_credit_note_lines_keep_their_signs() -> None:
    page = text_lines(
        "#    Description              Qty     Unit Price    Amount\n"
        "1    Returned licence         -2      £96.00        -£192.00\n"
        "2    Service credit           1       -£150.00      -£150.00"
    )
    items = find_line_items(page)
    assert [(i.quantity, i.unit_price, i.amount) for i in items] == [
        (Decimal("-2"), Decimal("96.00"), Decimal("-192.00")),
        (Decimal("1"), Decimal("-150.00"), Decimal("-150.00")),
    ]


def test_rows_that_do_not_multiply_out_are_not_items() -> None:
    page = text_lines(
        "Description          Qty     Price     Amount\n"
        "Übertrag                                 1.234,00\n"
        "Widget               3       2,00      7,00"
    )
    assert find_line_items(page) == []


def test_no_header_no_items() -> None:
    assert find_line_items(text_lines("Widget   2   50.00   100.00")) == []


def test_receipt_items_without_a_table_header() -> None:
    page = text_lines(
        "The Daily Grind\n"
        "Flat White (Oat)\n"
        "  2 x £3.60            £7.20\n"
        "Cappuccino             £3.40\n"
        "Table 7                Eat in\n"
        "TOTAL                  £10.60\n"
        "Card                   £10.60"
    )
    items = find_line_items(page)
    assert [(i.description, str(i.quantity), str(i.unit_price), str(i.amount)) for i in items] == [
        ("Flat White (Oat)", "2", "3.60", "7.20"),
        ("Cappuccino", "1", "3.40", "3.40"),
    ]


def test_description_wrapped_around_a_vertically_centred_row() -> None:
    page = text_lines(
        "Lín. Código   Concepto                       Cant.    Precio    Importe\n"
        "              Impresión libro 'Rutas',\n"
        "1    LIB-240                                 1500     4,85      7.275,00\n"
        "              240 pág., tapa blanda\n"
        "\n"
        "              Carteles promocionales\n"
        "2    CAR-57                                  250      1,90      475,00\n"
        "              50x70 cm,\n"
        "              brillo\n"
    )
    assert [(i.description, i.amount) for i in find_line_items(page)] == [
        ("Impresión libro 'Rutas', 240 pág., tapa blanda", Decimal("7275.00")),
        ("Carteles promocionales 50x70 cm, brillo", Decimal("475.00")),
    ]


def test_text_left_of_the_table_is_not_a_description() -> None:
    page = text_lines(
        "                          Nazwa towaru                Ilość    Cena     Wartość\n"
        "mBank S.A. PL61 1140      Cement portlandzki          320      24,90    7 968,00\n"
    )
    assert [i.description for i in find_line_items(page)] == ["Cement portlandzki"]


def test_single_spaced_ocr_rows() -> None:
    page = text_lines(
        "Pos Bezeichnung Menge Einzelpreis Gesamt\n"
        "2 Geländer schleifen und lackieren 38 lfm 24,50 931,00\n"
        "Bark mulch, 1 tonne bag 2 £89.00 £178.00\n"
        "Nettobetrag 1.109,00 €\n"
    )
    assert [(i.description, i.quantity, i.amount) for i in find_line_items(page)] == [
        ("Geländer schleifen und lackieren", Decimal(38), Decimal("931.00")),
        ("Bark mulch, 1 tonne bag", Decimal(2), Decimal("178.00")),
    ]


def test_the_quantity_column_decides_which_factor_is_the_quantity() -> None:
    """7 × 300 and 300 × 7 both make 2100: the figure under 'Menge' is the quantity."""
    page = text_lines(
        "Pos    Beschreibung           Nettopreis    Menge Einheit    Nettobetrag\n"
        "1      Baugelände abräumen    7,00          300 m2           2.100,00\n"
    )
    (item,) = find_line_items(page)
    assert (item.quantity, item.unit_price, item.amount) == (Decimal(300), Decimal("7.00"), Decimal("2100.00"))


def test_a_header_on_two_lines_and_shipping_and_promotion_rows_after_the_items() -> None:
    page = text_lines(
        "Descripción                 Cant.    P. Unitario       IVA %    Precio total\n"
        "                                     (IVA excluido)             (IVA incluido)\n"
        "XLS Medical Pro7 Pack       3        133,77 €          0%       401,31 €\n"
        "Envío                                                           11,53 €\n"
        "Promociones                                                     -100,32 €\n"
        "Total                                                           312,52 €\n"
    )
    (item,) = find_line_items(page)
    assert (item.quantity, item.amount) == (Decimal(3), Decimal("401.31"))
    summary = summarise(page, items_total=Decimal("401.31"))
    assert (summary.shipping, summary.discount, summary.total) == (
        Decimal("11.53"),
        Decimal("100.32"),
        Decimal("312.52"),
    )


def test_unit_prices_with_four_decimals_and_prices_per_hundred_units() -> None:
    page = text_lines(
        "Pos    Beschreibung           Nettopreis    Menge Einheit    Nettobetrag\n"
        "1      Kunstrasen grün        3,3333        3 m2             10,00\n"
        "2      Müllsack extrastark    49,29         150 Stk          73,94\n"
        "3      Schraube M10           9,16          500 Stk          45,80\n"
    )
    assert [(i.quantity, i.unit_price, i.amount) for i in find_line_items(page)] == [
        (Decimal(3), Decimal("3.3333"), Decimal("10.00")),
        (Decimal(150), Decimal("0.4929"), Decimal("73.94")),
        (Decimal(500), Decimal("0.0916"), Decimal("45.80")),
    ]


def test_integers_that_happen_to_multiply_out_per_hundred_are_no_item() -> None:
    page = text_lines(
        "Description          Qty     Price     Amount\n"
        "Tomo 33.166, Libro 0, Folio 105, Seccion 8\n"
        "Telefon    7712    11    848\n"
    )
    assert find_line_items(page) == []


def test_a_quantity_column_left_of_the_description() -> None:
    page = text_lines(
        "Menge     Produkt                       USt.    Preis       Gesamtbetrag\n"
        "1,00      Künstlerische Gestaltung      7%      160,00 €    160,00 €\n"
        "400,00    Luftballon: Bunt, ca. 500ml   19%     0,79 €      316,00 €\n"
    )
    assert [(i.description, i.quantity, i.unit_price) for i in find_line_items(page)] == [
        ("Künstlerische Gestaltung", Decimal(1), Decimal("160.00")),
        ("Luftballon: Bunt, ca. 500ml", Decimal(400), Decimal("0.79")),
    ]


def test_key_value_notes_under_an_item_are_not_its_description() -> None:
    page = text_lines(
        "Pos    Beschreibung                Nettopreis    Menge Einheit    Nettobetrag\n"
        "1      Lieferung und Montage       59,0000       52 Stk           3.068,00\n"
        "       von Solarhaltern\n"
        "       Bruttopreis: 59,0000\n"
        "       • Herkunftsland: DE\n"
    )
    (item,) = find_line_items(page)
    assert item.description == "Lieferung und Montage von Solarhaltern"
    assert item.unit_price == Decimal("59.0000")


def test_a_reference_printed_close_to_the_description_is_cut_off() -> None:
    """Two columns a narrow gap apart read as one cell; the description column's edge splits it."""
    page = text_lines(
        "Pos    Referenzen         Beschreibung     Nettopreis    Menge Einheit    Nettobetrag\n"
        "1      Art-Nr: SE_SFK5000 Schweinesteak    5,5000        1 kg             5,50\n"
    )
    (item,) = find_line_items(page)
    assert item.description == "Schweinesteak"


def test_a_table_without_quantities_lists_amounts_only() -> None:
    page = text_lines(
        "Description                              Rate        Amount\n"
        "Property located at : 288 Mt Eden\n"
        "\n"
        "Trimmed edges, cut lawns, blow tidy      $73.75      $64.13\n"
        "Subtotal                                             $64.13\n"
    )
    assert [(i.description, i.quantity, i.unit_price, i.amount) for i in find_line_items(page)] == [
        ("Trimmed edges, cut lawns, blow tidy", None, None, Decimal("64.13"))
    ]


def test_a_receipt_without_count_rows_leaves_quantities_null() -> None:
    """A count line under an item explains its price ("4 Stk x 0,79" under 3,16) and is no item;
    where no row prints "count x price | amount", quantity and unit price are not printed."""
    page = text_lines(
        "ZITRONE                      0,89 B\n"
        "KIWI GOLD                    3,16 B\n"
        "   4 Stk x    0,79\n"
        "APFEL                        1,97 B\n"
        "   0,792 kg x    2,49 EUR/kg\n"
        "PFAND 0,48 EUR               0,48 A *\n"
        "SUMME                 EUR    6,50\n"
    )
    assert [(i.description, i.quantity, i.unit_price, i.amount) for i in find_line_items(page)] == [
        ("ZITRONE", None, None, Decimal("0.89")),
        ("KIWI GOLD", None, None, Decimal("3.16")),
        ("APFEL", None, None, Decimal("1.97")),
        ("PFAND 0,48 EUR", None, None, Decimal("0.48")),
    ]


def test_a_header_word_that_no_single_cell_holds_is_no_table_header() -> None:
    """A damaged text layer can give a line whose text reads 品名 (CJK joins without spaces) while
    no cell holds the whole word: no column is named, so no table (a crash found by bench/fuzz.py)."""
    line = Line(
        page=0,
        words=[Word("品名", 50.0, 100.0, 74.0, 110.0), Word("金額", 300.0, 100.0, 324.0, 110.0)],
        cells=[
            Cell([Word("品", 50.0, 100.0, 62.0, 110.0)]),
            Cell([Word("名", 150.0, 100.0, 162.0, 110.0)]),
            Cell([Word("金額", 300.0, 100.0, 324.0, 110.0)]),
        ],
    )
    assert "品名" in line.text
    assert find_line_items([line]) == []
