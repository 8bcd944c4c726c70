"""Party sections: a heading that names a role ("Verkäufer", "Seller", "Käufer/Leistungsempfänger",
"Rechnungsempfänger") over rows of labelled fields ("Name:", "Anschrift:", "USt.-Id.-Nr.:").

E-invoice viewers and many ERP print-outs lay both parties out this way. The rows say only
"Name:"; which party the name belongs to is said once, by the heading above them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.parsing import labels
from app.parsing.layout import Line
from app.parsing.parties import tax_id_from

#: A row label that introduces the party's name.
NAME_LABEL = re.compile(
    r"^\s*(?:name|firma|firmenname|company(?:\s+name)?|legal\s+name|registered\s+name|nom|raison\s+sociale"
    r"|d[ée]nomination|nombre|raz[óo]n\s+social|ragione\s+sociale|denominazione|naam|bedrijfsnaam"
    r"|nazwa(?:\s+firmy)?|namn|f[öo]retag)\s*:?\s*$",
    re.I,
)
#: A label that names a VAT id (not a national tax number).
VAT_ID_LABEL = re.compile(r"USt\.?-?\s*Id|\bVAT\b|\bTVA\b|\bIVA\b|\bBTW\b|\bUID\b|\bMWST\b|\bGST\b|\bNIP\b", re.I)
#: An EU-style VAT id: a country prefix and eight to twelve characters with digits.
VAT_ID_SHAPE = re.compile(r"^(?:[A-Z]{2}|CHE-?)[0-9A-Z.\-]{8,14}$")
#: A heading line is short: a role word and maybe a second one ("Käufer/Leistungsempfänger").
_HEADING_LENGTH = 40
#: A section ends after this many lines even without a next heading.
_MAX_ROWS = 14


@dataclass
class Section:
    """What the rows under one role heading state."""

    role: str  # "seller" or "buyer"
    name: str | None = None
    tax_ids: list[tuple[str, str]] = field(default_factory=list)  # (label, value) in printed order

    @property
    def tax_id(self) -> str | None:
        """The VAT id when the section prints one beside a national tax number, else its first id."""
        for label, value in self.tax_ids:
            if VAT_ID_LABEL.search(label) or VAT_ID_SHAPE.match(value):
                return value
        return self.tax_ids[0][1] if self.tax_ids else None


def _role(line: Line) -> str | None:
    """The role a heading line names, if the line is only a heading."""
    text = line.text.strip(" :")
    if len(line.cells) != 1 or len(text) > _HEADING_LENGTH or re.search(r"\d", text):
        return None
    for role, pattern in (("seller", labels.SELLER), ("buyer", labels.BUYER)):
        match = re.match(r"(?:" + pattern.pattern + r")\b", text, pattern.flags)
        # the role word may be followed by one more ("Käufer/Leistungsempfänger"), not by a sentence
        rest = re.sub(r"^[\s/&,-]*(?:[^\W\d_]+)?", "", text[match.end() :]) if match else ""
        if match and not re.search(r"[^\W\d_]", rest):
            return role
    return None


def _is_heading(line: Line) -> bool:
    """Any section heading: one cell of words, no field label (colon) and no figures."""
    text = line.text.strip()
    return len(line.cells) == 1 and ":" not in text and not re.search(r"\d", text) and len(text) <= _HEADING_LENGTH


def _row(line: Line) -> tuple[str, str] | None:
    """(label, value) of a "Label: value" row, in one cell or two."""
    if len(line.cells) >= 2 and line.cells[0].text.rstrip().endswith(":"):
        return line.cells[0].text.strip(" :"), " ".join(cell.text for cell in line.cells[1:]).strip()
    label, colon, value = line.cells[0].text.partition(":")
    if colon and value.strip() and len(label) <= _HEADING_LENGTH:
        return label.strip(), value.strip()
    return None


def find_sections(lines: list[Line]) -> list[Section]:
    """Every party section of the document, in printed order."""
    sections: list[Section] = []
    for index, line in enumerate(lines):
        role = _role(line)
        if role is None:
            continue
        section = Section(role)
        for row_line in lines[index + 1 : index + 1 + _MAX_ROWS]:
            if row_line.page != line.page or _role(row_line) or _is_heading(row_line):
                break
            row = _row(row_line)
            if row is None:
                continue
            label, value = row
            if NAME_LABEL.match(label) and section.name is None and value:
                section.name = value
            elif labels.TAX_ID.search(label) and (tax_id := tax_id_from(value)):
                section.tax_ids.append((label, tax_id))
        if section.name or section.tax_ids:
            sections.append(section)
    return sections
