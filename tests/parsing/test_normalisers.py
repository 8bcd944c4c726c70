"""Amounts, dates and currencies as printed in many locales."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.parsing.amounts import find_amounts, find_figures, parse_amount
from app.parsing.currency import detect_currency
from app.parsing.dates import find_dates, numeric_order_hint, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u202f234,56", "1234.56"),
        ("1\u00a0234,56 €", "1234.56"),
        ("3'748.37", "3748.37"),
        ("CHF 3’748.37", "3748.37"),
        ("5,85,013.00", "585013.00"),
        ("₹1,23,456.78", "123456.78"),
        ("¥309,650", "309650"),
        ("-380,92 €", "-380.92"),
        ("−12.00", "-12.00"),
        ("(1,234.56)", "-1234.56"),
        ("1,234.56-", "-1234.56"),
        ("$6,500.00", "6500.00"),
        ("12,5", "12.5"),
        ("0.99", "0.99"),
    ],
)
def test_parse_amount(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "12,34,5", "1,2345.00", "€", "1.234.56,78.9"])
def test_parse_amount_refuses_unclear(text: str) -> None:
    assert parse_amount(text) is None


def test_find_amounts_in_lines() -> None:
    assert find_amounts("Total 4 144,25 € 784,77 €") == [Decimal("4144.25"), Decimal("784.77")]
    assert find_amounts("Gousses 12 36,00 5,5% 432,00") == [Decimal("12"), Decimal("36.00"), Decimal("432.00")]
    assert find_amounts("Gutschriftbetrag -380,92 €") == [Decimal("-380.92")]
    assert find_amounts("Datum 12.04.2024, Seite 1/2") == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("1,0000   1 Stk   0%   1,00", ["1.0000", "1", "1.00"]),  # four decimals are never grouping
        ("1 SQ 1745 x 877 1.530 247.83 379.18", ["1", "1745", "877", "1.530", "247.83", "379.18"]),
        ("0,792 kg x 2,49 EUR/kg", ["0.792", "2.49"]),
        ("59,0000   52 Stk   3.068,00", ["59.0000", "52", "3068.00"]),  # "3.068" is grouping here
        ("1.234 Stk   5,00", ["1234", "5.00"]),
    ],
)
def test_find_figures_reads_quantities_and_unit_prices(line: str, expected: list[str]) -> None:
    assert find_figures(line) == [Decimal(value) for value in expected]


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("2024-03-15", None, date(2024, 3, 15)),
        ("15.03.2024", None, date(2024, 3, 15)),
        ("02.09.2024", None, date(2024, 9, 2)),  # dotted: day-first everywhere
        ("15/03/2024", None, date(2024, 3, 15)),
        ("03/15/2024", None, date(2024, 3, 15)),
        ("01/24/2024", None, date(2024, 1, 24)),
        ("12/31/2024", None, date(2024, 12, 31)),
        ("03/04/2024", True, date(2024, 4, 3)),
        ("03/04/2024", False, date(2024, 3, 4)),
        ("15 March 2024", None, date(2024, 3, 15)),
        ("March 15, 2024", None, date(2024, 3, 15)),
        ("Feb 9, 2024", None, date(2024, 2, 9)),
        ("15. März 2024", None, date(2024, 3, 15)),
        ("29 février 2024", None, date(2024, 2, 29)),
        ("1er mars 2024", None, date(2024, 3, 1)),
        ("15 de marzo de 2024", None, date(2024, 3, 15)),
        ("15 marzo 2024", None, date(2024, 3, 15)),
        ("1 maart 2024", None, date(2024, 3, 1)),
        ("5 de setembro de 2024", None, date(2024, 9, 5)),
        ("2024年3月1日", None, date(2024, 3, 1)),
        ("2024年01月19日", None, date(2024, 1, 19)),
    ],
)
def test_parse_date(text: str, day_first: bool | None, expected: date) -> None:
    assert parse_date(text, day_first=day_first) == expected


@pytest.mark.parametrize("text", ["03/04/2024", "31 Feb 2024", "2024-13-01", "no date", "12/13"])
def test_parse_date_refuses_ambiguous_or_invalid(text: str) -> None:
    assert parse_date(text) is None


def test_numeric_order_hint_from_the_document() -> None:
    assert numeric_order_hint("Date 03/15/2024, due 04/14/2024") is False
    assert numeric_order_hint("Date 01/24/2024") is False
    assert numeric_order_hint("Fecha 15/10/2024 entrega 11/10/2024") is True
    assert numeric_order_hint("Date 03/04/2024") is None


def test_find_dates_keeps_positions() -> None:
    found = find_dates("Datum: 15.03.2024 Lieferdatum: 13.03.2024")
    assert [value for _, value in found] == [date(2024, 3, 15), date(2024, 3, 13)]
    assert found[0][0] < found[1][0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Total 1.292,04 €", "EUR"),
        ("Amount due £27.85", "GBP"),
        ("Total CHF 3'748.37", "CHF"),
        ("Total (AUD) $6,897.00", "AUD"),
        ("Total $19,696.87\nEIN: 84-3921176\nSan Francisco, CA 94103", "USD"),
        ("ABN 12 345 678 901\nTotal $6,897.00", "AUD"),
        ("合計 ¥4,730 カフェ", "JPY"),
        ("价税合计 ¥67869.48 发票", "CNY"),
        ("Total ₹5,85,013.00", "INR"),
        ("Montants exprimés en euros. Total 12,00", "EUR"),
        ("Total NZ$ 120.00", "NZD"),
        ("Amount Rs. 4,500.00", "INR"),
        ("Celkem 1 200,00 Kč", "CZK"),
        ("Razem 1 200,00 zł", "PLN"),
        ("Total Fr. 25.50", "CHF"),
        ("Amounts in Australian dollars. Total 10.00", "AUD"),
        # a bare $ is settled by the country the page names: region, web domain, calling code, tax forms
        ("Blade Runners\n12 Selwyn Street, Onehunga\nAuckland 1061\nTotal $73.75", "NZD"),
        ("www.example.co.nz\nTotal due $ 220.16", "NZD"),
        ("Tel +61 2 9999 0000\nTotal $5.00", "AUD"),
        ("Toronto, ON M5V 2T6\nTotal $12.00", "CAD"),
        ("Summa 1 200 kr\nGöteborg, Sverige\nmoms 25%", "SEK"),
    ],
)
def test_detect_currency(text: str, expected: str) -> None:
    assert detect_currency(text)[0] == expected


def test_bare_dollar_without_cues_is_unknown() -> None:
    assert detect_currency("Total $100.00") == (None, 0.0)


def test_bare_dollar_between_two_countries_is_unknown() -> None:
    assert detect_currency("Auckland office, Sydney NSW 2000 office\nTotal $100.00") == (None, 0.0)


def test_no_sign_takes_the_currency_of_a_country_named_clearly() -> None:
    text = "Glass Ltd, Penrose, Auckland\nAuckland, New Zealand\nwww.glass.co.nz\nInvoice Total 1053.00"
    assert detect_currency(text) == ("NZD", 0.6)
    assert detect_currency("Glass Ltd, Auckland\nInvoice Total 1053.00") == (None, 0.0)


def test_a_misspelt_month_is_read_by_its_first_letters() -> None:
    assert [value for _, value in find_dates("31st Januray 2020")] == [date(2020, 1, 31)]
    assert [value for _, value in find_dates("3 Febuary 2021")] == [date(2021, 2, 3)]
    assert find_dates("12 Janitor 2020") == []  # begins like a month, but is no misspelling of one
