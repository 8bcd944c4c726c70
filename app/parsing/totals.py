"""The invoice's money summary: subtotal, discount, shipping, tax and total, checked by arithmetic.

Every labelled amount on the page is a candidate for one of the summary fields. The chosen set is
the best-labelled one that adds up (subtotal − discount + shipping + tax (+ round-off) = total);
when none adds up the best-labelled values are kept with a warning and lower confidence.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from app.parsing import labels
from app.parsing.amounts import AMOUNT_PATTERN, find_amounts
from app.parsing.layout import Line

_CENT = Decimal("0.01")
_HAS_DECIMALS = re.compile(r"\d[.,]\d{2}(?!\d)")


@dataclass(frozen=True)
class LabelledAmount:
    label: str
    value: Decimal
    line: int


@dataclass
class Summary:
    subtotal: Decimal | None = None
    discount: Decimal | None = None
    shipping: Decimal | None = None
    tax: Decimal | None = None
    total: Decimal | None = None
    rounding: Decimal | None = None
    consistent: bool = False
    confidence: dict[str, float] = field(default_factory=dict)

    def invoice_fields(self) -> dict[str, Decimal]:
        """The found amounts under the invoice object's field names."""
        named = {
            "subtotal": self.subtotal,
            "tax_amount": self.tax,
            "discount_amount": self.discount,
            "shipping_amount": self.shipping,
            "total_amount": self.total,
        }
        return {name: value for name, value in named.items() if value is not None}

    def negate(self) -> None:
        """A credit note printed with unsigned figures: the net, tax and total are owed back."""
        for name in ("subtotal", "tax", "total", "rounding"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, -value)


_CURRENCY_WORDS = re.compile(r"\b[A-Z]{3}\b|[$€£¥₹]")


def _is_amount_only(text: str) -> bool:
    return bool(find_amounts(text)) and not re.search(r"[^\W\d_]", _CURRENCY_WORDS.sub("", text))


def labelled_amounts(lines: list[Line], *, whole_units: bool) -> list[LabelledAmount]:
    """Each amount on the page paired with the label text to its left (same cell or the cell before).

    A cell followed by an amount-only cell is a label, even with figures in it ("19 % USt. auf
    1.085,75 €" | "206,29 €"): its own figures are a base or a rate, not the value.
    """
    found: list[LabelledAmount] = []
    for index, line in enumerate(lines):
        cells = [cell.text for cell in line.cells]
        for position, text in enumerate(cells):
            amounts = find_amounts(text)
            if not amounts or not (whole_units or _HAS_DECIMALS.search(text)):
                continue
            following = cells[position + 1] if position + 1 < len(cells) else ""
            if _is_amount_only(following):
                continue
            # the label is everything before the value, rates included ("zzgl. 19 % MwSt. 668,34 €")
            value_at = [match.start() for match in AMOUNT_PATTERN.finditer(text)]
            own_label = _CURRENCY_WORDS.sub("", text[: value_at[-1]] if value_at else "").strip()
            previous = cells[position - 1] if position > 0 else ""
            before = " ".join(cells[:position])
            label = next(
                (text for text in (own_label, f"{previous} {own_label}", f"{before} {own_label}") if _kind(text)),
                f"{previous} {own_label}",
            ).strip()
            found.append(LabelledAmount(label, amounts[-1], index))
    return found


def _kind(label: str) -> str | None:
    if labels.PAID.search(label):
        return "paid"
    if labels.ROUNDING.search(label):
        return "rounding"
    if labels.SUBTOTAL.search(label) or (labels.NET_MARKER.search(label) and not labels.TOTAL_STRONG.search(label)):
        return "subtotal"
    if labels.NET_EXPLICIT.search(label) and labels.TOTAL_STRONG.search(label):
        return "net_total"
    if labels.TAX.search(label) and labels.TAX_INCLUDED.search(label) and not labels.TOTAL_STRONG.search(label):
        return "included_tax"
    if labels.DISCOUNT.search(label):
        return "discount"
    if labels.CHARGE.search(label):
        return "charge"
    if labels.SHIPPING.search(label):
        return "shipping"
    if labels.TAX.search(label) and not labels.NOT_TAX_AMOUNT.search(label):
        return "tax"
    if labels.TOTAL_STRONG.search(label):
        return "total:3"
    if labels.TAX_OR_PAYMENT_MARKER.search(label):
        return None
    if labels.TOTAL_PLAIN.search(label):
        return "total:2"
    if labels.TOTAL_WEAK.search(label):
        return "total:1"
    return None


def _or_none(values: list[Decimal]) -> list[Decimal | None]:
    return [*values, None]


def _unique(values: Iterable[Decimal]) -> list[Decimal]:
    return list(dict.fromkeys(values))


def summarise(lines: list[Line], *, whole_units: bool = False, items_total: Decimal | None = None) -> Summary:
    """The checked money summary. ``items_total`` (the sum of the line items) is one more
    candidate for the subtotal, for documents that print the net sum without a label."""
    by_kind: dict[str, list[Decimal]] = {}
    for item in labelled_amounts(lines, whole_units=whole_units):
        if (kind := _kind(item.label)) is not None:
            by_kind.setdefault(kind, []).append(item.value)

    totals = [(int(kind[-1]), value) for kind in ("total:3", "total:2", "total:1") for value in by_kind.get(kind, [])]
    labelled_subtotals = _unique(by_kind.get("subtotal", []))
    subtotals = _unique([*labelled_subtotals, *([items_total] if items_total is not None else [])])
    tax_lines = by_kind.get("tax", [])
    # several rates or components add up (CGST + SGST may print the same figure twice)
    tax_sums = [sum(tax_lines, Decimal(0)), sum(_unique(tax_lines), Decimal(0))] if len(tax_lines) > 1 else []
    taxes = _unique([*tax_lines, *tax_sums])
    discounts = _unique(abs(v) for v in by_kind.get("discount", []))
    shippings = _unique(by_kind.get("shipping", []))
    roundings = _unique(by_kind.get("rounding", []))

    charges = _unique(by_kind.get("charge", []))
    net_totals = set(by_kind.get("net_total", []))

    mentions_tax = any(labels.TAX.search(line.text) for line in lines)
    if by_kind.get("included_tax") and totals and not tax_lines:
        return _tax_included(totals, by_kind["included_tax"], items_total)
    best: tuple[int, Summary] | None = None
    optional_subtotals: list[Decimal | None] = [*subtotals] or [None]
    for (rank, total), subtotal, tax, discount, shipping, charge, rounding in itertools.product(
        totals,
        optional_subtotals,
        _or_none(taxes),
        _or_none(discounts),
        _or_none(shippings),
        _or_none(charges),
        _or_none(roundings),
    ):
        parts = [subtotal, tax, discount, shipping, charge]
        if subtotal is None and tax is None:
            continue
        if tax is None and discount is None and shipping is None and mentions_tax:
            continue  # "subtotal = total" only holds for documents that charge no tax at all
        sign = -1 if total < 0 else 1
        net = (subtotal if subtotal is not None else Decimal(0)) - sign * (discount or 0) + (shipping or 0)
        net += charge or 0
        if abs(net + (tax or 0) + (rounding or 0) - total) > _CENT / 2:
            continue
        score = rank * 10 + sum(4 for part in parts if part is not None) + (1 if rounding is None else 0)
        score += 2 if net in net_totals else 0  # the printed net total agrees
        if best is None or score > best[0]:
            summary = Summary(subtotal, discount, shipping, tax, total, rounding, consistent=True)
            best = (score, summary)
    if best is not None:
        summary = best[1]
        summary.confidence = dict.fromkeys(summary.invoice_fields(), 0.97)
        return summary
    return _unchecked(totals, labelled_subtotals, tax_lines)


def _tax_included(totals: list[tuple[int, Decimal]], included: list[Decimal], items_total: Decimal | None) -> Summary:
    """Prices include tax (receipts): no net subtotal; the tax is the included amount(s)."""
    best_rank = max(rank for rank, _ in totals)
    values = _unique(value for rank, value in totals if rank == best_rank)
    if len(values) != 1:
        return Summary()
    checked = items_total is not None and items_total == values[0]
    summary = Summary(total=values[0], tax=sum(included, Decimal(0)), consistent=checked or items_total is None)
    summary.confidence = {"total_amount": 0.95 if checked else 0.8, "tax_amount": 0.8}
    return summary


def _unchecked(totals: list[tuple[int, Decimal]], subtotals: list[Decimal], tax_lines: list[Decimal]) -> Summary:
    """No combination adds up: keep only what the labels say clearly, at a confidence below 0.9."""
    summary = Summary()
    if totals:
        best_rank = max(rank for rank, _ in totals)
        best_values = _unique(value for rank, value in totals if rank == best_rank)
        if len(best_values) == 1:
            summary.total = best_values[0]
            summary.confidence["total_amount"] = {3: 0.8, 2: 0.7, 1: 0.5}[best_rank]
    if len(subtotals) == 1:
        summary.subtotal = subtotals[0]
        summary.confidence["subtotal"] = 0.6
    if len(set(tax_lines)) == 1:
        summary.tax = tax_lines[0]
        summary.confidence["tax_amount"] = 0.6
    return summary
