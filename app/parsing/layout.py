"""The page as a reader sees it: words with their boxes, grouped into visual lines and cells.

Built from pdfium's character boxes (a few milliseconds a page). A *cell* is a run of words on one
visual line with no wide gap inside, so a two-column letterhead yields two cells per line instead of
one run-on string, and a label's value can be looked for to its right or below it.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

import pypdfium2 as pdfium


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


class _WordSpan:
    """Vertical extent of a run of words."""

    words: list[Word]

    @property
    def top(self) -> float:
        return min(word.top for word in self.words)

    @property
    def bottom(self) -> float:
        return max(word.bottom for word in self.words)


@dataclass
class Cell(_WordSpan):
    words: list[Word]

    @functools.cached_property
    def text(self) -> str:
        """Read once the words are all in (layout building only appends before anyone reads)."""
        return joined(self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1


@dataclass
class Line(_WordSpan):
    page: int
    words: list[Word]
    cells: list[Cell] = field(default_factory=list)

    @functools.cached_property
    def text(self) -> str:
        return joined(self.words)


#: Three or more single letters in a row: a letter-spaced heading ("I N V O I C E").
_LETTER_SPACED = re.compile(r"\b[^\W\d_](?: [^\W\d_]){2,}\b")


def joined(words: list[Word]) -> str:
    """The words' text, a letter-spaced run of single letters read as the word it spells."""
    text = " ".join(word.text for word in words)
    return _LETTER_SPACED.sub(lambda match: match.group().replace(" ", ""), text) if " " in text else text


#: A horizontal gap wider than this many times the line's median character height splits cells.
CELL_GAP = 1.2


def page_words(page: pdfium.PdfPage) -> list[Word]:
    """Words of one page in pdfium's reading order, coordinates from the top-left corner.

    Words are pdfium's own: its text breaks at every space and line break it prints or generates
    from the glyph positions, and nowhere else. Character boxes give only the geometry, because in
    PDFs whose fonts carry poor metrics the boxes collapse or jump, while pdfium's segmentation
    (from glyph origins) stays right.
    """
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        words: list[Word] = []
        chars: list[str] = []
        box: list[float] = []
        for index, char in _indexed_chars(textpage):
            if char.isspace() or char == "\ufffe":
                if chars:
                    words.append(Word(_normalise("".join(chars)), *box))
                    chars = []
                continue
            left, low, right, high = textpage.get_charbox(index, loose=True)
            top, bottom = height - high, height - low
            if not chars:
                box = [left, top, right, bottom]
            elif right > left or high > low:  # a collapsed box carries no extent
                box = [min(box[0], left), min(box[1], top), max(box[2], right), max(box[3], bottom)]
            chars.append(char)
        if chars:
            words.append(Word(_normalise("".join(chars)), *box))
    finally:
        textpage.close()
    return [word for word in words if word.text]


def _indexed_chars(textpage: pdfium.PdfTextPage) -> Iterator[tuple[int, str]]:
    """(pdfium character index, character) for the page's text. pdfium counts UTF-16 code units,
    so a character beyond the BMP (an emoji in a letterhead) takes two indices; reading the text
    string by index would shift every later box by one character."""
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    index = 0
    for char in text:
        yield index, char
        index += 2 if ord(char) > 0xFFFF else 1


def _normalise(text: str) -> str:
    # NFKC folds compatibility forms (Kangxi radicals 'â¼‡' -> '日', full-width digits and colons).
    return unicodedata.normalize("NFKC", text).strip()


def group_lines(words: list[Word], page: int) -> list[Line]:
    """Group words into visual lines (by vertical overlap), each sorted left to right and split into cells."""
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: (w.top + w.bottom) / 2):
        middle = (word.top + word.bottom) / 2
        if lines:
            last = lines[-1]
            # compare with the line's first word, not its grown extent, so a tall title beside
            # a letterhead does not chain the letterhead's lines into one
            first = last.words[0]
            if first.top <= middle <= first.bottom or abs(middle - (first.top + first.bottom) / 2) < word.height * 0.3:
                last.words.append(word)
                continue
        lines.append(Line(page=page, words=[word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    cell_gap = max(CELL_GAP, WORD_GAPS_PER_CELL_GAP * _word_gap(lines))
    for line in lines:
        line.cells = _split_cells(line.words, cell_gap)
    return lines


#: A cell gap is at least this many times the page's usual gap between two words of a phrase.
WORD_GAPS_PER_CELL_GAP = 2.5
_PHRASE_WORD = re.compile(r"^[^\W\d_][^\W\d_.,:;'’-]*[.,:;]?$")


def _word_gap(lines: list[Line]) -> float:
    """The page's usual gap between two words of a phrase, in character heights (about 0.3 in a
    typeset page, 0.5 in a monospaced one). Text layers laid over a scan by OCR software may draw
    words in a font narrower than the scan's, which widens every gap between their boxes."""
    gaps = sorted(
        (right.x0 - left.x1) / max(min(left.height, right.height), 1.0)
        for line in lines
        for left, right in itertools.pairwise(line.words)
        if _PHRASE_WORD.match(left.text) and _PHRASE_WORD.match(right.text)
    )
    usual = [gap for gap in gaps if -0.5 < gap < 3]
    return usual[len(usual) // 2] if len(usual) >= 10 else 0.0


def _split_cells(words: list[Word], cell_gap: float = CELL_GAP) -> list[Cell]:
    heights = sorted(word.height for word in words)
    gap_limit = heights[len(heights) // 2] * cell_gap
    cells = [Cell([words[0]])]
    for previous, word in itertools.pairwise(words):
        if word.x0 - previous.x1 > gap_limit:
            cells.append(Cell([word]))
        else:
            cells[-1].words.append(word)
    return cells


#: Geometry given to plain text (OCR text, tests): one character is this wide, one line this high.
TEXT_CHAR_WIDTH = 6.0
TEXT_LINE_HEIGHT = 12.0


def text_lines(text: str, page: int = 0) -> list[Line]:
    """Visual lines from plain text: each text line is a line, runs of 2+ spaces split cells."""
    lines: list[Line] = []
    for row, raw in enumerate(_normalise_lines(text)):
        words: list[Word] = []
        for match in re.finditer(r"\S+", raw):
            top = row * TEXT_LINE_HEIGHT * 1.5
            words.append(
                Word(
                    match.group(),
                    match.start() * TEXT_CHAR_WIDTH,
                    top,
                    match.end() * TEXT_CHAR_WIDTH,
                    top + TEXT_LINE_HEIGHT,
                )
            )
        if words:
            line = Line(page=page, words=words)
            line.cells = _split_cells(words)
            lines.append(line)
    return lines


def _normalise_lines(text: str) -> list[str]:
    return unicodedata.normalize("NFKC", text).splitlines()
