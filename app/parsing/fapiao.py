"""Chinese VAT invoices (发票): the buyer and seller blocks, the 合计 row and 价税合计.

Both layouts in use, the 数电票 and the older 增值税电子普通发票/专用发票, print the buyer and
the seller as blocks headed by a vertical label (购买方 / 销售方, one character per line) at
their left, so each 名称 and 纳税人识别号 belongs to the nearest such label to its left. The 合计
row carries the net sum and the tax; 价税合计 the total in words (大写) and in figures (小写),
and the words are checked against the figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from app.parsing.amounts import amount_in_chinese_words, find_amounts
from app.parsing.fields import Found
from app.parsing.layout import Line
from app.parsing.model import ParseWarning
from app.parsing.totals import Summary

_FAPIAO = re.compile(r"价\s*税\s*合\s*计")
_BLOCK_MARKS = {"购": "buyer", "买": "buyer", "销": "seller", "售": "seller"}
_ROLE_PREFIX = r"(?P<role>购买方|购方|销售方|销方)?\s*"
_NAME = re.compile(_ROLE_PREFIX + r"名\s*称\s*[:：]\s*(?P<value>[^\s:：]+)")
_TAX_ID = re.compile(_ROLE_PREFIX + r"(?:统一社会信用代码\s*/\s*)?纳税人识别号\s*[:：]\s*(?P<value>[0-9A-Z]{15,20})\b")
_IN_WORDS = re.compile(r"大\s*写(?P<words>.*?)(?:小\s*写(?P<figures>.*))?$")
#: How far (in points) above or below a block label a field may sit and still belong to it.
_BLOCK_REACH = 40.0


def is_fapiao(text: str) -> bool:
    return bool(_FAPIAO.search(text))


@dataclass(frozen=True)
class _Mark:
    role: str
    x: float
    y: float


@dataclass
class Party:
    name: Found[str] | None = None
    tax_id: Found[str] | None = None


def _block_marks(lines: list[Line]) -> list[_Mark]:
    marks = []
    for line in lines:
        for cell in line.cells:
            text = cell.text
            if text[:1] in _BLOCK_MARKS and (len(text) == 1 or text[1].isspace()):
                marks.append(_Mark(_BLOCK_MARKS[text[0]], cell.x0, line.top))
    return marks


def _owner(marks: list[_Mark], x: float, y: float) -> str | None:
    """The role of the block label nearest to the left of (x, y)."""
    near = [mark for mark in marks if mark.x <= x + 2 and abs(mark.y - y) <= _BLOCK_REACH]
    if not near:
        return None
    return min(near, key=lambda mark: (round(x - mark.x), abs(mark.y - y))).role


def find_parties(lines: list[Line]) -> dict[str, Party]:
    """The buyer and the seller with their tax ids, keyed "buyer" and "seller"."""
    marks = _block_marks(lines)
    parties = {"buyer": Party(), "seller": Party()}
    for line in lines:
        for position, cell in enumerate(line.cells):
            # "名 称:" is often printed spaced out, so its first character is a cell of its own
            text = cell.text
            if text == "名" and position + 1 < len(line.cells):
                text += line.cells[position + 1].text
            for pattern, attribute in ((_NAME, "name"), (_TAX_ID, "tax_id")):
                if not (match := pattern.search(text)):
                    continue
                labelled = {"购": "buyer", "销": "seller"}.get((match.group("role") or " ")[0])
                role = labelled or _owner(marks, cell.x0, line.top)
                if role is not None and getattr(parties[role], attribute) is None:
                    setattr(parties[role], attribute, Found(match.group("value"), 0.95 if labelled else 0.92))
    return parties


def summarise(lines: list[Line]) -> tuple[Summary, list[ParseWarning]]:
    """Net sum and tax from the 合计 row, the total from 价税合计 (小写), checked against each
    other and against the total in words."""
    summary = Summary()
    warnings: list[ParseWarning] = []
    words_total: Decimal | None = None
    for line in lines:
        compact = re.sub(r"\s+", "", line.text)
        if compact.startswith("合计") and summary.subtotal is None:
            amounts = find_amounts(line.text)
            if len(amounts) == 2:
                summary.subtotal, summary.tax = amounts
        elif _FAPIAO.search(line.text) and (printed := _IN_WORDS.search(line.text)):
            words_total = amount_in_chinese_words(printed.group("words"))
            if amounts := find_amounts(printed.group("figures") or ""):
                summary.total = amounts[0]
    if summary.total is None:  # nothing to check the 合计 row against
        summary.confidence = dict.fromkeys(summary.invoice_fields(), 0.6)
        return summary, warnings
    adds_up = (
        summary.subtotal is not None and summary.tax is not None and summary.subtotal + summary.tax == summary.total
    )
    words_agree = words_total == summary.total
    if words_total is not None and not words_agree:
        warnings.append(
            ParseWarning(code="amount_in_words_mismatch", message="The total in words (大写) differs from the figures.")
        )
    summary.consistent = adds_up
    certain = 0.97 if adds_up and words_agree else 0.85 if adds_up or words_agree else 0.6
    summary.confidence = dict.fromkeys(summary.invoice_fields(), certain)
    return summary, warnings
