"""Line items from item tables, ruled or not.

A table starts at a header line naming a description column and a quantity or amount column. Each
following line whose rightmost amount equals quantity × unit price of two other figures on the
line is an item (in a table without a quantity column, where nothing multiplies out, a line with
a description and an amount is one); a line of text alone in the description column, in the same type size, continues
the previous item's description (wrapped text). The table ends at a line with a totals label.
The arithmetic, not the column positions, decides what is quantity, price and amount, so tables
with or without ruling lines, repeated headers and carried-over subtotals all read the same way.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal

from app.parsing import labels
from app.parsing.amounts import find_amounts, find_figures, to_money
from app.parsing.layout import Cell, Line
from app.parsing.model import LineItem

_TOLERANCE = Decimal("0.005")
#: Units a unit price may be quoted for (German "Preiseinheit"): 1, 10, 100 or 1000 pieces.
_PRICE_BASES = (Decimal(1), Decimal(10), Decimal(100), Decimal(1000))
_POSITION = re.compile(r"^\s*(?:\d{1,3}\.?|pos\.?)\s*$", re.I)


@dataclass(frozen=True)
class _Header:
    """An item table's header line: its column heads and which of them is the description."""

    columns: list[Cell]
    description: int

    @property
    def quantity_columns(self) -> set[int]:
        """The columns headed as quantities ("Menge", "Qty", "Quantité")."""
        return {i for i, cell in enumerate(self.columns) if labels.COLUMN_QUANTITY.search(cell.text)}

    def column_of(self, cell: Cell) -> int | None:
        """The column a cell sits in: the head it lines up with (left, right or centre aligned),
        except that text starting right of the previous head belongs to the description, which
        may start left of its centred head. None for cells left of the table (a sidebar)."""
        first = self.columns[0]
        if cell.x0 < first.x0 - max(15.0, (first.x1 - first.x0) / 2):
            return None

        def misalignment(head: Cell) -> float:
            centre, head_centre = (cell.x0 + cell.x1) / 2, (head.x0 + head.x1) / 2
            return min(abs(cell.x0 - head.x0), abs(cell.x1 - head.x1), abs(centre - head_centre))

        column = min(range(len(self.columns)), key=lambda i: misalignment(self.columns[i]))
        if column < self.description and cell.x0 > self.columns[self.description - 1].x1:
            return self.description
        return column


def _header(line: Line) -> _Header | None:
    """The header if ``line`` heads an item table (a description column and a quantity or amount)."""
    text = line.text
    if not labels.COLUMN_DESCRIPTION.search(text):
        return None
    if not (labels.COLUMN_QUANTITY.search(text) or labels.COLUMN_AMOUNT.search(text)):
        return None
    # the rightmost description-like head: "Pos | Artikel | Bezeichnung" describes in "Bezeichnung"
    heads = [i for i, cell in enumerate(line.cells) if labels.COLUMN_DESCRIPTION.search(cell.text)]
    if not heads:
        return None  # the word only forms across cells (letters spread wide): no column to go by
    return _Header(line.cells, max(heads))


def _is_totals_line(line: Line) -> bool:
    return any(
        pattern.search(line.text)
        for pattern in (labels.SUBTOTAL, labels.TOTAL_STRONG, labels.TOTAL_PLAIN, labels.NET_MARKER)
    )


def _numbers(cells: list[Cell]) -> list[Decimal]:
    values: list[Decimal] = []
    for cell in cells:
        text = re.sub(r"\d+(?:[.,]\d+)?\s?%", " ", cell.text)  # rates are not quantities or prices
        values.extend(find_figures(text))
    return values


def _quantity_price(
    numbers: list[Decimal], amount: Decimal, quantities: list[Decimal], base: Decimal
) -> tuple[Decimal, Decimal] | None:
    """Two figures whose product is ``amount``, the price read per ``base`` units: the quantity one
    of ``quantities`` (the figures in the quantity column) when a pair allows it, else the first
    pair in printed order."""
    if base != 1 and not (_has_decimals(amount) and any(_has_decimals(number) for number in numbers)):
        return None  # a per-100 price is money; without decimals, digits multiply out by chance
    pairs = [
        (quantity, price / base)
        for quantity, price in itertools.permutations(numbers, 2)
        if quantity != 0 and (base == 1 or _has_decimals(price)) and _multiplies_out(quantity, price / base, amount)
    ]
    return next((pair for pair in pairs if pair[0] in quantities), pairs[0] if pairs else None)


def _has_decimals(figure: Decimal) -> bool:
    exponent = figure.as_tuple().exponent
    return isinstance(exponent, int) and exponent < 0


def _multiplies_out(quantity: Decimal, price: Decimal, amount: Decimal) -> bool:
    """quantity × price = amount, up to the rounding of the amount to cents and of a unit price
    printed with more decimals (150 × 0.4929 = 73.94; 500 × 0.0916 = 45.80)."""
    exponent = price.as_tuple().exponent
    price_rounding = Decimal(0)
    if isinstance(exponent, int) and exponent < -2:
        price_rounding = abs(quantity) * Decimal(1).scaleb(exponent) / 2
    return abs(quantity * price - amount) <= max(_TOLERANCE, price_rounding)


def _priced_amount(
    numbers: list[Decimal], quantities: list[Decimal] | None = None
) -> tuple[Decimal, Decimal, Decimal] | None:
    """Quantity, unit price and amount: the rightmost figure that is the product of two figures
    before it (the amount column may be followed by tax columns, as on Chinese VAT invoices). A
    price quoted per 10, 100 or 1000 units ("49,29" for 150 pieces = 73,94) is read only when no
    pair multiplies out directly, and comes back per unit."""
    for base in _PRICE_BASES:
        for end in range(len(numbers) - 1, 1, -1):
            if pair := _quantity_price(numbers[:end], numbers[end], quantities or [], base):
                return (*pair, numbers[end])
    return None


def _cut_at_description(cells: list[Cell], header: _Header) -> list[Cell]:
    """The cells, with a cell that runs from a column left of the description into it cut where
    the description column starts: a narrow gap can join a reference to the description
    ("Art-Nr: SE5 | Schweinesteak" read as one cell)."""
    start = header.columns[header.description].x0 - 2
    result: list[Cell] = []
    for cell in cells:
        left = [word for word in cell.words if word.x0 < start]
        right = [word for word in cell.words if word.x0 >= start]
        if left and right and header.column_of(Cell(left)) != header.description:
            result.extend((Cell(left), Cell(right)))
        else:
            result.append(cell)
    return result


def _description(cells: list[Cell], header: _Header) -> tuple[str, float]:
    """Text of the cells in the description column, and its type size."""
    inside = [cell for cell in _cut_at_description(cells, header) if header.column_of(cell) == header.description]
    texts = [cell.text for cell in inside if not _POSITION.match(cell.text)]
    height = max((word.height for cell in inside for word in cell.words), default=0.0)
    return " ".join(texts).strip(), height


def _plain(quantity: Decimal) -> Decimal:
    """2.000 -> 2, 12.50 -> 12.5, without switching to exponent notation (40 stays 40)."""
    return Decimal(format(quantity.normalize(), "f"))


#: "2 x 3.60", "0,792 kg x 2,49 EUR/kg", "4 Stk x 0,79": a count (with its unit) times a price.
_TIMES = re.compile(r"^\s*(?P<quantity>-?\d+(?:[.,]\d+)?)\s*(?:[^\W\d_]{1,5}\.?\s*)?[x×*]\s*(?P<rest>\S.*)$", re.I)
_HAS_CENTS_OR_SIGN = re.compile(r"\d[.,]\d{2}(?!\d)|[$€£¥₹]")
_NAME = re.compile(r"[^\W\d_]{2}")


def _item(description: str, quantity: Decimal, price: Decimal, amount: Decimal) -> LineItem:
    return LineItem(
        description=description or None, quantity=_plain(quantity), unit_price=to_money(price), amount=to_money(amount)
    )


def find_receipt_items(lines: list[Line]) -> list[LineItem]:
    """Items of a till receipt, which has no table header, read up to the first totals line.

    An item is "Name | 3.40", or a name line followed by "2 x 3.60 | 7.20". A count line without
    an amount under an item ("4 Stk x 0,79" under "KIWI 3,16") only explains that item's price and
    is no item. Quantity and unit price come from the item's own rows: a receipt that prints
    "2 x 3.60 | 7.20" rows means one piece where it prints none, otherwise they stay null.
    """
    items: list[LineItem] = []
    single: list[LineItem] = []  # items printed as one "Name | amount" row
    pending: str | None = None
    for line in lines:
        if _is_totals_line(line) or labels.TOTAL_WEAK.search(line.text):
            break
        if times := _TIMES.match(line.text):
            figures = find_figures(times.group("rest"))
            quantities = find_figures(times.group("quantity"))  # none when it is no figure of ours
            quantity = quantities[0] if quantities else None
            if (
                pending
                and quantity is not None
                and len(figures) >= 2
                and _multiplies_out(quantity, figures[0], figures[-1])
            ):
                items.append(_item(pending, quantity, figures[0], figures[-1]))
            pending = None
            continue
        cells = [cell.text for cell in line.cells]
        amount_text = cells[-1] if len(cells) >= 2 else ""
        amounts = find_amounts(amount_text) if _HAS_CENTS_OR_SIGN.search(amount_text) else []
        head = " ".join(cells[:-1])
        if not amounts:
            pending = line.text if len(cells) == 1 and _NAME.search(line.text) else None
            continue
        if _NAME.search(head) and _priced_amount([*find_figures(head), amounts[0]]) is None:
            # a name with a figure ("PFAND 0,48 EUR") is an item; "Widget 2 50.00 | 100.00" is a
            # table row whose header was not found, which this reading does not guess at
            item = LineItem(description=head, quantity=None, unit_price=None, amount=to_money(amounts[0]))
            items.append(item)
            single.append(item)
        pending = None
    if len(single) < len(items):
        for item in single:
            item.quantity, item.unit_price = Decimal(1), item.amount
    return items


def find_line_items(lines: list[Line]) -> list[LineItem]:
    if any(_header(line) is not None for line in lines):
        return _table_items(lines)
    return find_receipt_items(lines)


@dataclass
class _Row:
    """A line of an item table: an item (figures that multiply out, or only an amount in a table
    without a quantity column) or text in the description column."""

    line: Line
    height: float
    item: LineItem | None = None
    text: str = ""
    amount_only: bool = False


def _table_rows(lines: list[Line]) -> list[_Row]:
    rows: list[_Row] = []
    header: _Header | None = None
    header_at = -1
    for index, line in enumerate(lines):
        if (found := _header(line)) is not None:
            header, header_at = found, index
            continue
        if header is None:
            continue
        second_header_line = index == header_at + 1 and not find_amounts(line.text)  # "(excl. VAT) | (incl. VAT)"
        if _is_totals_line(line) and not second_header_line:
            header = None
            continue
        quantities: list[Decimal] = []
        if len(header.columns) == 1:  # single-spaced text (OCR): no columns to go by
            description, figures_text = _split_trailing_figures(line.text)
            height = max(word.height for word in line.words)
            numbers = find_figures(re.sub(r"\d+(?:[.,]\d+)?\s?%", " ", figures_text))
        else:
            description, height = _description(line.cells, header)
            figures = [cell for cell in line.cells if _is_figure_column(header, header.column_of(cell))]
            numbers = _numbers(figures)
            quantities = _numbers([cell for cell in figures if header.column_of(cell) in header.quantity_columns])
        if numbers:
            if (priced := _priced_amount(numbers, quantities)) is not None:
                quantity, price, amount = priced
                item = LineItem(
                    description=description or None, quantity=_plain(quantity), unit_price=price, amount=amount
                )
                rows.append(_Row(line, height or max(word.height for word in line.words), item=item))
            elif description and not header.quantity_columns and _has_decimals(numbers[-1]):
                item = LineItem(description=description, amount=to_money(numbers[-1]))
                rows.append(_Row(line, height, item=item, amount_only=True))
        elif description and not _ANNOTATION.match(description):
            rows.append(_Row(line, height, text=description))
    return rows


#: A "Key: value" line under an item ("Bruttopreis: 4,00", "• SKU: 1234"): an attribute of the
#: item, not more of its description.
_ANNOTATION = re.compile(r"^[^\w\s]?\s*[^\W\d_][\w.\-/]*(?:\s[^\W\d_][\w.\-/]*){0,2}\s?:\s*\S")

_FIGURE = re.compile(r"^[-−(]?[$€£¥₹]?\d[\d.,'’]*\)?[€%]?$")
_UNIT = re.compile(r"^[^\W\d_]{1,5}\.?$")


def _split_trailing_figures(text: str) -> tuple[str, str]:
    """ "2 Geländer schleifen 38 lfm 24,50 931,00" -> ("Geländer schleifen", "38 lfm 24,50 931,00"):
    the run of figures (a figure may carry a unit word: "38 lfm") that ends the line, and the
    text before it without a leading position number."""
    tokens = text.split()
    start = len(tokens)
    while start > 0:
        if _FIGURE.match(tokens[start - 1]):
            start -= 1
        elif start < len(tokens) and start >= 2 and _UNIT.match(tokens[start - 1]) and _FIGURE.match(tokens[start - 2]):
            start -= 2
        else:
            break
    head = tokens[:start]
    if head and _POSITION.match(head[0]):
        head = head[1:]
    return " ".join(head), " ".join(tokens[start:])


def _is_figure_column(header: _Header, column: int | None) -> bool:
    """Columns right of the description hold figures; left of it, only a quantity column does
    ("Menge | Produkt | Preis"), not a position number."""
    return column is not None and (column > header.description or column in header.quantity_columns)


def _gap(upper: Line, lower: Line) -> float:
    return lower.top - upper.bottom if upper.page == lower.page else float("inf")


def _closeness(upper: _Row, lower: _Row) -> float | None:
    """The gap between two rows when they read as one wrapped cell (close, same type size)."""
    height = max(upper.height, lower.height, 1.0)
    gap = _gap(upper.line, lower.line)
    return gap if gap < 1.2 * height and abs(upper.height - lower.height) <= 0.1 * height else None


def _owner_after(rows: list[_Row], joined: dict[int, tuple[int, bool]], index: int) -> int | None:
    """The item that text following row ``index`` would continue, if any."""
    if rows[index].item is not None:
        return index
    owner, after = joined.get(index, (None, False))
    return owner if after else None


def _table_items(lines: list[Line]) -> list[LineItem]:
    """Items, each with the wrapped description text around it: a text-only line joins the row
    next to it (an item, or text already joined to an item) when it is close and in the same type
    size, the nearer one if both are; text above an item row is read before the row's own text."""
    rows = _table_rows(lines)
    if any(row.item is not None and not row.amount_only for row in rows):
        # where items multiply out, a row with only an amount is a charge or carried-over sum
        rows = [row for row in rows if not row.amount_only]
    joined: dict[int, tuple[int, bool]] = {}  # text row -> (item row, whether it comes after)

    for index, row in enumerate(rows):
        if row.item is not None:
            continue
        options: list[tuple[float, int, bool]] = []
        owner = _owner_after(rows, joined, index - 1) if index > 0 else None
        if owner is not None and (gap := _closeness(rows[index - 1], row)) is not None:
            options.append((gap, owner, True))
        following = index + 1 if index + 1 < len(rows) and rows[index + 1].item is not None else None
        if following is not None and (gap := _closeness(row, rows[following])) is not None:
            options.append((gap, following, False))
        if options:
            _, owner, after = min(options)
            joined[index] = (owner, after)
    for index in range(len(rows) - 2, -1, -1):  # text lines stacked above an item's first text line
        below = joined.get(index + 1)
        unjoined_text = rows[index].item is None and index not in joined
        if unjoined_text and below and not below[1] and _closeness(rows[index], rows[index + 1]) is not None:
            joined[index] = below

    items = []
    for index, row in enumerate(rows):
        if row.item is None:
            continue
        around = sorted((after, i) for i, (owner, after) in joined.items() if owner == index)
        before = [rows[i].text for after, i in around if not after]
        parts = [*before, row.item.description or "", *(rows[i].text for after, i in around if after)]
        row.item.description = " ".join(part for part in parts if part) or None
        items.append(row.item)
    return items
