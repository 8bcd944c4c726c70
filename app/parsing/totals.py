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
from app.parsing.currency import ISO_CODES
from app.parsing.layout import Cell, Line

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


#: Currency codes and signs around a figure (not every three capitals: GST, VAT and TVA are labels).
_CURRENCY_WORDS = re.compile(r"\b(?:" + "|".join(sorted(ISO_CODES)) + r")\b|[$€£¥₹]")


def _is_amount_only(text: str) -> bool:
    return bool(find_amounts(text)) and not re.search(r"[^\W\d_]", _CURRENCY_WORDS.sub("", text))


def labelled_amounts(lines: list[Line], *, whole_units: bool) -> list[LabelledAmount]:
    """Each amount on the page paired with its label: the column header above it in a summary
    table (see summary_tables), else the text to its left (same cell or the cell before).

    A cell followed by an amount-only cell is a label, even with figures in it ("19 % USt. auf
    1.085,75 €" | "206,29 €"): its own figures are a base or a rate, not the value.
    """
    found, in_tables = summary_tables(lines)
    for index, line in enumerate(lines):
        cells = [cell.text for cell in line.cells]
        for position, text in enumerate(cells):
            if (index, position) in in_tables:
                continue
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


_SUMMARY_KINDS = frozenset({"subtotal", "tax", "total", "net_total"})
#: What the first cell of a summary table's row may say: a rate or tax category, or a total row.
_ROW_KINDS = frozenset({None, "tax", "total:1", "total:2", "total:3"})


def summary_tables(lines: list[Line]) -> tuple[list[LabelledAmount], set[tuple[int, int]]]:
    """Amounts of summary tables, labelled by their column headers, and the cells they take
    (line index, cell position).

    A summary table has a header row naming at least two different summary amounts ("Netto |
    Steuer | Brutto", "Total net | VAT | Total") over rows of figures, one per tax rate, maybe
    closed by a total row ("Summe | 23,78 | 2,02 | 25,80"). Each column's figure for the
    document is the total row's, else the only row's, else the column's sum.
    """
    found: list[LabelledAmount] = []
    taken: set[tuple[int, int]] = set()
    for index, line in enumerate(lines):
        header = _summary_header(line, lines[index + 1] if index + 1 < len(lines) else None)
        if header is None:
            continue
        rows: list[tuple[int, dict[str, Decimal], bool]] = []  # (line, {column label: value}, is a total row)
        # up to two lines without figures in the table's columns may come between: a row label
        # wrapped over several lines ("Umsatzsteuer (E)"), a paragraph of the next column
        passed = 0
        for below in range(index + 1, min(index + 10, len(lines))):
            if lines[below].page != line.page:
                break
            if not re.search(r"\w", lines[below].text):
                continue  # a rule drawn with dashes
            cells = _row_cells(header, lines[below])
            if not cells:
                passed += 1
                if passed > 2:
                    break
                continue
            if _kind(lines[below].cells[0].text) not in _ROW_KINDS:
                break  # past the table: a summary line of its own ("Positionssumme | 180,70")
            passed = 0
            taken.update((below, position) for position in cells)
            values = {column: value for column, value in cells.values()}
            rows.append((below, values, _closes(lines[below].cells[0].text)))
        closing = [values for _, values, closes in rows if closes]
        per_rate = [values for _, values, closes in rows if not closes]
        for column in dict.fromkeys(label for _, values, _ in rows for label in values):
            if closing and column in closing[-1]:
                value = closing[-1][column]
            elif per_rate and all(column in values for values in per_rate):
                value = sum((values[column] for values in per_rate), Decimal(0))
            else:
                continue
            found.append(LabelledAmount(column, value, index))
    return found, taken


def _closes(row_label: str) -> bool:
    """A table's last row that adds up the rows above ("Summe", "Total", "Gesamtbetrag")."""
    kind = _kind(row_label)
    return kind is not None and kind.startswith("total") and not find_amounts(row_label)


def _summary_header(line: Line, below: Line | None) -> list[tuple[Cell, str]] | None:
    """The cells of a summary table's header row with their labels (see _with_second_line):
    words only, naming at least two different summary amounts, and no column of an item table
    (description, quantity)."""
    if any(find_amounts(cell.text) for cell in line.cells):
        return None
    header = _with_second_line(line, below)
    texts = [label for _, label in header]
    kinds = {kind.split(":")[0] for text in texts if (kind := _kind(text))}
    if len(kinds & _SUMMARY_KINDS) < 2:
        return None
    if any(labels.COLUMN_DESCRIPTION.search(text) or labels.COLUMN_QUANTITY.search(text) for text in texts):
        return None
    return header


def _with_second_line(line: Line, below: Line | None) -> list[tuple[Cell, str]]:
    """Each header cell with its label, which a second header line without figures, right under
    it, may finish: "Prezzo Totale" over "(IVA esclusa)" is a net amount, not a total."""
    labelled = [(cell, cell.text) for cell in line.cells]
    if below is None or below.page != line.page or find_amounts(below.text):
        return labelled
    if below.top - line.bottom > line.bottom - line.top:
        return labelled
    for extra in below.cells:
        for position, (cell, label) in enumerate(labelled):
            if cell.x0 < extra.x1 and cell.x1 > extra.x0:
                labelled[position] = (cell, f"{label} {extra.text}")
                break
    return labelled


def _row_cells(header: list[tuple[Cell, str]], line: Line) -> dict[int, tuple[str, Decimal]]:
    """The amount-only cells of ``line`` under a header cell that names an amount:
    {cell position: (header label, value)}."""
    found: dict[int, tuple[str, Decimal]] = {}
    for position, cell in enumerate(line.cells):
        if not _is_amount_only(cell.text) or not _HAS_DECIMALS.search(cell.text):
            continue
        column = next((label for h, label in header if h.x0 < cell.x1 and h.x1 > cell.x0 and _kind(label)), None)
        if column is not None:
            found[position] = (column, find_amounts(cell.text)[-1])
    return found


def _kind(label: str) -> str | None:
    label = " ".join(_CURRENCY_WORDS.sub(" ", label).split())  # "Total € Incl. VAT" reads "Total Incl. VAT"
    if labels.NOT_A_SUMMARY.search(label):
        return None
    if labels.PAID.search(label):
        return "paid"
    if labels.ROUNDING.search(label):
        return "rounding"
    if labels.TAX_SUBTOTAL.search(label):
        return "tax"
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
    if labels.TAX_TOTAL.search(label) or (labels.TAX.search(label) and not labels.NOT_TAX_AMOUNT.search(label)):
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
    best: tuple[int, Summary, int] | None = None  # (score, summary, rank of its total's label)
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
        if tax is not None and sign < 0 < tax:
            tax = -tax  # a credit note's tax printed without its sign
        net = (subtotal if subtotal is not None else Decimal(0)) - sign * (discount or 0) + (shipping or 0)
        net += charge or 0
        if abs(net + (tax or 0) + (rounding or 0) - total) > _CENT / 2:
            continue
        score = rank * 10 + sum(4 for part in parts if part is not None) + (1 if rounding is None else 0)
        score += 2 if net in net_totals else 0  # the printed net total agrees
        if best is None or score > best[0]:
            summary = Summary(subtotal, discount, shipping, tax, total, rounding, consistent=True)
            best = (score, summary, rank)
    if best is not None:
        _, summary, rank = best
        if items_total == summary.total and summary.tax and summary.subtotal not in (None, items_total):
            summary.subtotal = None  # the lines add up to the gross total: prices include tax, no net subtotal
        # a total labelled as strongly as the chosen one but different (a receipt's SUMME beside its
        # tax table's gross, after a voucher) leaves the choice in doubt, however well it adds up
        rivals = {value for other_rank, value in totals if other_rank >= rank and value != summary.total}
        if items_total is not None and items_total in rivals and summary.tax is not None:
            # the lines add up to the rival: it is the document's total, the combination that adds
            # up is a tax table's after a voucher or coupon; the tax stays as printed
            summary = Summary(tax=summary.tax, total=items_total, consistent=False)
        summary.confidence = dict.fromkeys(summary.invoice_fields(), 0.7 if rivals else 0.97)
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
