"""Listing through HTTP: full-text search, filters, sorting and cursor paging."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import corpus_bytes, upload

FILES = ("us-invoice-01.pdf", "uk-invoice-01.pdf", "fr-facture-01.pdf", "it-fattura-01.pdf", "de-rechnung-01.pdf")


@pytest.fixture
def filled(client: TestClient) -> TestClient:
    for name in FILES:
        assert upload(client, corpus_bytes(name), name).status_code == 201
    return client


def _listed(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v2/invoices", params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _names(items: list[dict[str, Any]]) -> list[str]:
    return [item["file_name"] for item in items]


def test_full_text_search_over_parties_numbers_file_names_and_items(filled: TestClient) -> None:
    assert _names(_listed(filled, q="thistle")) == ["uk-invoice-01.pdf"]
    assert _names(_listed(filled, q="LETTERPRESS invitations")) == ["uk-invoice-01.pdf"]  # item words, any case
    assert _names(_listed(filled, q="fattura")) == ["it-fattura-01.pdf"]  # the file name
    assert _names(_listed(filled, q="INV-2024-0317")) == ["us-invoice-01.pdf"]
    assert _listed(filled, q="thistle brightline") == []  # every word must be found


def test_filters_by_currency_date_range_status_and_source(filled: TestClient) -> None:
    assert sorted(_names(_listed(filled, currency="eur"))) == [
        "de-rechnung-01.pdf",
        "fr-facture-01.pdf",
        "it-fattura-01.pdf",
    ]
    in_range = _listed(filled, date_from="2024-03-10", date_to="2024-03-15")
    assert sorted(_names(in_range)) == ["de-rechnung-01.pdf", "fr-facture-01.pdf", "us-invoice-01.pdf"]
    assert len(_listed(filled, status="parsed", source="upload")) == len(FILES)
    assert _listed(filled, status="approved") == []


def test_sorting_by_amount_and_date(filled: TestClient) -> None:
    by_total = [Decimal(item["total_amount"]) for item in _listed(filled, sort="-total_amount")]
    assert by_total == sorted(by_total, reverse=True) and len(by_total) == len(FILES)
    by_date = [item["invoice_date"] for item in _listed(filled, sort="invoice_date")]
    assert by_date == sorted(by_date)


def test_sorted_pages_stay_stable_while_invoices_are_added(filled: TestClient) -> None:
    first = filled.get("/api/v2/invoices", params={"sort": "-invoice_date", "limit": 2}).json()
    # newer than everything on the first page: it sorts before the cursor and must not shift the rest
    upload(filled, corpus_bytes("au-invoice-01.pdf"), "au-invoice-01.pdf")
    rest = _listed(filled, sort="-invoice_date", limit=10, cursor=first["next_cursor"])

    seen = _names(first["items"]) + _names(rest)
    assert sorted(seen) == sorted(FILES)  # nothing skipped, nothing twice, the new one on no old page
    dates = [item["invoice_date"] for item in first["items"] + rest]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("params", [{"sort": "price"}, {"currency": "EURO"}, {"date_from": "15/03/2024"}])
def test_bad_filters_are_a_422_naming_the_parameter(client: TestClient, params: dict[str, str]) -> None:
    response = client.get("/api/v2/invoices", params=params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error" and next(iter(params)) in error["message"] + str(error.get("field"))


@pytest.mark.parametrize("value", ["0", "1700000000", "2024-3-1", "31.03.2024"])
def test_a_date_filter_is_written_as_an_iso_date(client: TestClient, value: str) -> None:
    """pydantic alone reads "0" as 1970-01-01 (a Unix time)."""
    response = client.get("/api/v2/invoices", params={"date_to": value})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "date_to"
