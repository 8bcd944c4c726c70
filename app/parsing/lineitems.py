"""Line items from item tables, ruled or not.

A table starts at a header line naming a description column and a quantity or amount column. Each
following line whose rightmost amount equals quantity × unit price of two other figures on the
line is an item; a line of text alone in the description column, in the same type size, continues
the previous item's description (wrapped text). The table ends at a line with a totals label.
The arithmetic, not the column positions, decides what is quantity, price and amount, so tables
with or without ruling lines, repeated headers and carried-over subtotals all read the same way.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

from app.parsing import labels
from app.parsing.amounts import find_amounts, to_money
from app.parsing.layout import Cell, Line
from app.parsing.model import LineItem

_TOLERANCE = Decimal("0.005")
_POSITION = re.compile(r"^\s*(?:\d{1,3}\.?|pos\.?)\s*$", re.I)


def _description_column(line: Line) -> tuple[float, float] | None:
    """The x-range of the description column if ``line`` is an item table's header."""
    text = line.text
    if not labels.COLUMN_DESCRIPTION.search(text):
        return None
    if not (labels.COLUMN_QUANTITY.search(text) or labels.COLUMN_AMOUNT.search(text)):
        return None
    # the rightmost description-like header: "Pos | Artikel | Bezeichnung" describes in "Bezeichnung"
    position = max(i for i, cell in enumerate(line.cells) if labels.COLUMN_DESCRIPTION.search(cell.text))
    header = line.cells[position]
    left = line.cells[position - 1].x1 + 2 if position > 0 else header.x0 - 15
    right = line.cells[position + 1].x0 - 2 if position + 1 < len(line.cells) else float("inf")
    return left, right


def _is_totals_line(line: Line) -> bool:
    return any(
        pattern.search(line.text)
        for pattern in (labels.SUBTOTAL, labels.TOTAL_STRONG, labels.TOTAL_PLAIN, labels.NET_MARKER)
    )


def _numbers(cells: list[Cell]) -> list[Decimal]:
    values: list[Decimal] = []
    for cell in cells:
        text = re.sub(r"\d+(?:[.,]\d+)?\s?%", " ", cell.text)  # rates are not quantities or prices
        values.extend(find_amounts(text))
    return values


def _quantity_price(numbers: list[Decimal], amount: Decimal) -> tuple[Decimal, Decimal] | None:
    for quantity, price in itertools.permutations(numbers, 2):
        if quantity != 0 and abs(quantity * price - amount) <= _TOLERANCE:
            return quantity, price
    return None


def _priced_amount(numbers: list[Decimal]) -> tuple[Decimal, Decimal, Decimal] | None:
    """Quantity, unit price and amount: the rightmost figure that is the product of two figures
    before it (the amount column may be followed by tax columns, as on Chinese VAT invoices)."""
    for end in range(len(numbers) - 1, 1, -1):
        if pair := _quantity_price(numbers[:end], numbers[end]):
            return (*pair, numbers[end])
    return None


def _description(cells: list[Cell], column: tuple[float, float]) -> tuple[str, float]:
    """Text of the cells in the description column, and its type size."""
    left, right = column
    inside = [cell for cell in cells if left <= cell.x0 < right]
    texts = [cell.text for cell in inside if not _POSITION.match(cell.text)]
    height = max((word.height for cell in inside for word in cell.words), default=0.0)
    return " ".join(texts).strip(), height


def _plain(quantity: Decimal) -> Decimal:
    """2.000 -> 2, 12.50 -> 12.5, without switching to exponent notation (40 stays 40)."""
    return Decimal(format(quantity.normalize(), "f"))


_TIMES = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*[x×*]\s*(.+)$", re.I)
_HAS_CENTS_OR_SIGN = re.compile(r"\d[.,]\d{2}(?!\d)|[$€£¥₹]")


def _item(description: str, quantity: Decimal, price: Decimal, amount: Decimal) -> LineItem:
    return LineItem(
        description=description or None, quantity=_plain(quantity), unit_price=to_money(price), amount=to_money(amount)
    )


def find_receipt_items(lines: list[Line]) -> list[LineItem]:
    """Items of a till receipt, which has no table header: "Name | 3.40", or a name line followed
    by "2 x 3.60 | 7.20". Read up to the first totals line."""
    items: list[LineItem] = []
    pending: str | None = None
    for line in lines:
        if _is_totals_line(line) or labels.TOTAL_WEAK.search(line.text):
            break
        cells = [cell.text for cell in line.cells]
        amount_text = cells[-1] if len(cells) >= 2 else ""
        amounts = find_amounts(amount_text) if _HAS_CENTS_OR_SIGN.search(amount_text) else []
        if not amounts:
            pending = line.text if len(cells) == 1 and re.search(r"[^\W\d_]{2}", line.text) else None
            continue
        head = " ".join(cells[:-1])
        times = _TIMES.match(head)
        if times and pending:
            prices = find_amounts(times.group(2))
            quantity = find_amounts(times.group(1))
            if prices and quantity and abs(quantity[0] * prices[0] - amounts[0]) <= _TOLERANCE:
                items.append(
                    LineItem(description=pending, quantity=_plain(quantity[0]), unit_price=prices[0], amount=amounts[0])
                )
        elif re.search(r"[^\W\d_]{2}", head) and not times and not _HAS_CENTS_OR_SIGN.search(head):
            items.append(_item(head, Decimal(1), amounts[0], amounts[0]))
        pending = None
    return items


def find_line_items(lines: list[Line]) -> list[LineItem]:
    if any(_description_column(line) is not None for line in lines):
        return _table_items(lines)
    return find_receipt_items(lines)


def _table_items(lines: list[Line]) -> list[LineItem]:
    items: list[LineItem] = []
    item_line: Line | None = None
    item_height = 0.0
    column: tuple[float, float] | None = None
    for line in lines:
        header = _description_column(line)
        if header is not None:
            column = header
            continue
        if column is None:
            continue
        if _is_totals_line(line):
            column = None
            continue
        numbers = _numbers([cell for cell in line.cells if cell.x0 >= column[1] - 2])
        if numbers:
            found = _priced_amount(numbers)
            if found is None:
                continue
            description, item_height = _description(line.cells, column)
            quantity, price, amount = found
            items.append(
                LineItem(description=description or None, quantity=_plain(quantity), unit_price=price, amount=amount)
            )
            item_line = line
            continue
        text, height = _description(line.cells, column)
        if not (items and item_line and text and items[-1].description):
            continue
        close_below = line.page == item_line.page and line.top - item_line.bottom < 1.2 * max(item_height, 1.0)
        if close_below and abs(height - item_height) <= 0.1 * max(item_height, 1.0):
            items[-1].description = f"{items[-1].description} {text}"
            item_line = line
    return items
