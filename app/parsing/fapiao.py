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
_TAX_ID = re.compile(_ROLE_PREFIX + r"(?:统一社会信用代码\s*/\s*)?纳税人识别号\s*[:：]?\s*(?P<value>[0-9A-Z]{15,20})\b")
_IN_WORDS = re.compile(r"大\s*写(?P<words>.*?)(?:小\s*写|$)")
_IN_FIGURES = re.compile(r"小\s*写\s*[)）]?(?P<figures>.*)$")
#: The unified social credit code (统一社会信用代码): 18 characters from this set, the last a
#: mod-31 check character (GB 32100-2015).
_CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
#: Letters the code never uses, as OCR misreads its digits.
_CREDIT_CODE_MISREADS = str.maketrans("OIZS", "0125")
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


def _valid_credit_code(code: str) -> bool:
    if len(code) != 18 or any(ch not in _CREDIT_CODE_CHARS for ch in code):
        return False
    weighted = sum(_CREDIT_CODE_CHARS.index(ch) * w for ch, w in zip(code, _CREDIT_CODE_WEIGHTS, strict=False))
    return _CREDIT_CODE_CHARS[-weighted % 31] == code[17]


def tax_id(value: str) -> Found[str]:
    """A tax id as read; an 18-character credit code whose check character only holds once OCR's
    letter-for-digit misreads (O, I, Z, S) are undone is corrected, one that fails is less sure."""
    if len(value) != 18 or _valid_credit_code(value):
        return Found(value, 1.0)
    corrected = value[:17].translate(_CREDIT_CODE_MISREADS) + value[17]
    return Found(corrected, 1.0) if _valid_credit_code(corrected) else Found(value, 0.7)


def find_parties(lines: list[Line]) -> dict[str, Party]:
    """The buyer and the seller with their tax ids, keyed "buyer" and "seller". Fields without a
    block label (lost by OCR, say) fill the roles still open in reading order: the buyer's block
    comes first in both layouts, left of the seller's (数电票) or above it (older layouts)."""
    marks = _block_marks(lines)
    parties = {"buyer": Party(), "seller": Party()}
    unplaced: dict[str, list[Found[str]]] = {"name": [], "tax_id": []}
    for line in lines:
        for position, cell in enumerate(line.cells):
            # "名 称:" is often printed spaced out, and a value may stand in the next cell
            text = cell.text
            if position + 1 < len(line.cells):
                text += " " + line.cells[position + 1].text
            for pattern, attribute in ((_NAME, "name"), (_TAX_ID, "tax_id")):
                if not (match := pattern.search(text)) or match.start() >= len(cell.text):
                    continue
                value = Found(match.group("value"), 1.0) if attribute == "name" else tax_id(match.group("value"))
                labelled = {"购": "buyer", "销": "seller"}.get((match.group("role") or " ")[0])
                role = labelled or _owner(marks, cell.x0, line.top)
                if role is None:
                    unplaced[attribute].append(value)
                elif getattr(parties[role], attribute) is None:
                    certainty = value.confidence * (0.95 if labelled else 0.92)
                    setattr(parties[role], attribute, Found(value.value, certainty))
    for attribute, values in unplaced.items():
        empty = [role for role in ("buyer", "seller") if getattr(parties[role], attribute) is None]
        if values and len(values) == len(empty):
            for role, found in zip(empty, values, strict=True):
                setattr(parties[role], attribute, Found(found.value, found.confidence * 0.8))
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
        elif _FAPIAO.search(line.text):
            if in_words := _IN_WORDS.search(line.text):
                words_total = amount_in_chinese_words(in_words.group("words"))
            if (in_figures := _IN_FIGURES.search(line.text)) and (amounts := find_amounts(in_figures.group("figures"))):
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
