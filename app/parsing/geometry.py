"""Where a label's value is on the page: after it in its cell, in the next cell, or just below it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from app.parsing.layout import Cell, Line

_GLUE = re.compile(r"^[\s:#.,|/-]*")


@dataclass(frozen=True)
class Labelled:
    """A value text found for a label, and how far from the label it was (0 = same cell)."""

    text: str
    distance: int
    line: int


def cell_below(lines: list[Line], index: int, cell: Cell, *, max_lines: int = 2) -> tuple[int, Cell] | None:
    """The nearest cell under ``cell`` on the next lines of the same page that overlaps it horizontally."""
    line = lines[index]
    for offset in range(1, max_lines + 1):
        if index + offset >= len(lines):
            return None
        below = lines[index + offset]
        if below.page != line.page or below.top - line.bottom > 3 * max(1.0, line.bottom - line.top):
            return None
        for candidate in below.cells:
            if candidate.x0 < cell.x1 and candidate.x1 > cell.x0 and abs(candidate.x0 - cell.x0) < 60:
                return index + offset, candidate
    return None


def cell_above(lines: list[Line], index: int, cell: Cell, *, max_lines: int = 2) -> tuple[int, Cell] | None:
    line = lines[index]
    for offset in range(1, max_lines + 1):
        if index - offset < 0:
            return None
        above = lines[index - offset]
        if above.page != line.page or line.top - above.bottom > 3 * max(1.0, line.bottom - line.top):
            return None
        for candidate in above.cells:
            if candidate.x0 < cell.x1 and candidate.x1 > cell.x0 and abs(candidate.x0 - cell.x0) < 60:
                return index - offset, candidate
    return None


def labelled_values(lines: list[Line], label: re.Pattern[str]) -> Iterator[Labelled]:
    """For every occurrence of ``label``: the text after it in its cell, the next cell to the right,
    and the cell below it, nearest first."""
    for index, line in enumerate(lines):
        for position, cell in enumerate(line.cells):
            text = cell.text
            for match in label.finditer(text):
                rest = _GLUE.sub("", text[match.end() :])
                if rest:
                    yield Labelled(rest, 0, index)
                if position + 1 < len(line.cells):
                    yield Labelled(line.cells[position + 1].text, 1, index)
                if not rest and (below := cell_below(lines, index, cell)):
                    yield Labelled(below[1].text, 2, below[0])
