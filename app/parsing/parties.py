"""Who sells and who buys: vendor and buyer names and their tax ids.

Names come from a label (Bill to, Émetteur, ...), from a company name with a legal form (GmbH,
Ltd, SARL, 株式会社, ...) printed in the letterhead or footer, or, for a vendor printed only as a
heading, from the largest text at the top of the first page. A tax id belongs to the buyer when it
sits in the buyer's address block or its label says so; otherwise to the vendor.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from app.parsing import labels
from app.parsing.dates import find_dates
from app.parsing.fields import Found
from app.parsing.geometry import cell_above, cell_below
from app.parsing.layout import Cell, Line

#: An id or reference, not a name: capitals and figures with at least one figure ("INV-001").
#: Capitals alone may be a company's initials ("JKL").
_CODE = re.compile(r"(?=.*\d)[A-Z0-9/#.\-]+")
#: How far right of its label's end an indented block may start.
_INDENT = 40.0
#: "Page 1 / 2", "Seite 1 von 3", "Página 1 de 2": no heading, however large.
_PAGE_NUMBER = re.compile(r"^\s*(?:page|seite|p[áa]gina|pagina|pag\.|blatt|sida|side|strona)\s*\d", re.I)
#: Leaders and bullets around a heading's text.
DECORATION = " .·•*-|>"
#: What separates name, street and town on a window envelope's sender line.
SENDER_SEPARATOR = re.compile(r"\s*[·•●∙|]\s*")
_NUMBER_WORD = re.compile(r"^(?:nr|no|number|nummer|num[ée]ro|id|#)\.?:?$", re.I)
_ID_CHARS = re.compile(r"^[A-Z0-9][A-Z0-9.\-/]*[A-Z0-9]$")
_AMOUNT_LIKE = re.compile(r"^\d{1,3}(?:[.,']\d{3})*[.,]\d{2}$")
_DATE_LIKE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
_CONNECTORS = {"&", "und", "and", "et", "de", "del", "der", "den", "van", "von", "la", "le", "du", "di", "da", "y", "e"}
_TITLES = re.compile(
    r"^(?:tax\s+)?invoice$|^rechnung$|^facture$|^factura$|^fattura$|^factuur$|^faktura|^receipt$|^credit\s+note$"
    r"|^gutschrift$|^creditnota$|^請\s*求\s*書$|^領収書$|^avoir$|^quittung$|^kassenbon$"
    r"|^(?:paid|bezahlt|pagado|pagato|pay[ée]e?|betaald|zap[łl]acono|betald|original|copy|kopie|copia|duplicate)$",
    re.I,
)


def _at_cell_start(label: re.Pattern[str]) -> re.Pattern[str]:
    """A party label opens its cell ("Bill to", "Client"), unlike "N° client" or "Customer no."."""
    return re.compile(r"^\s*(?:" + label.pattern + ")", label.flags)


_BUYER_LABEL = _at_cell_start(labels.BUYER)
_SELLER_LABEL = _at_cell_start(labels.SELLER)
_ASIDE = re.compile(r"^\s*\([^)]*\)")
_BUYER_HINT = re.compile(r"customer|client|kunde|buyer|purchaser|your|ihre|votre|su\b|购买方|购方|nabywca|klant", re.I)


def name_key(text: str) -> str:
    """Names compared as the corpus does: NFKC, case-folded, letters and digits only."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


@dataclass(frozen=True)
class TaxIdSpot:
    value: str
    line: int
    for_buyer: bool
    in_footer: bool


def tax_id_from(text: str) -> str | None:
    """The tax id at the start of ``text`` (after its label), whitespace removed."""
    tokens = text.strip(" :#.").split()
    while tokens and _NUMBER_WORD.match(tokens[0]):  # "UID Nr.: DE123456789", "VAT No. GB193847266"
        tokens.pop(0)
    kept: list[str] = []
    for position, token in enumerate(tokens):
        if any(ch.isdigit() for ch in token) or (
            position == 0 and token.isalpha() and token.isupper() and len(token) <= 3
        ):
            kept.append(token.strip(",;·"))
        else:
            break
    value = "".join(kept)
    digits = sum(ch.isdigit() for ch in value)
    if (
        len(value) < 8
        or digits < 6
        or not _ID_CHARS.match(value)
        or _AMOUNT_LIKE.match(value.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        or _DATE_LIKE.match(value)
    ):
        return None
    return value


def _cells_below(lines: list[Line], index: int, cell: Cell, *, limit: int) -> Iterator[tuple[int, Cell]]:
    """The cells stacked under ``cell`` in its column, nearest first (an address block)."""
    current, anchor = index, cell
    for _ in range(limit):
        below = cell_below(lines, current, anchor)
        if below is None:
            return
        current, anchor = below
        yield below


def _buyer_block(lines: list[Line]) -> dict[int, float]:
    """The buyer's address block(s), a buyer label and the cells under it, as {line index: left
    edge of the block on that line} (cells further left belong to another column)."""
    block: dict[int, float] = {}
    for index, line in enumerate(lines):
        for cell in line.cells:
            if _BUYER_LABEL.search(cell.text):
                for at, member in [(index, cell), *_cells_below(lines, index, cell, limit=8)]:
                    block[at] = min(block.get(at, float("inf")), member.x0 - 2)
    return block


def footer_lines(lines: list[Line]) -> set[int]:
    bottoms: dict[int, float] = {}
    for line in lines:
        bottoms[line.page] = max(bottoms.get(line.page, 0.0), line.bottom)
    return {i for i, line in enumerate(lines) if line.top > 0.85 * bottoms[line.page]}


def _address_block(lines: list[Line], name: str) -> dict[int, float]:
    """The address block that ``name`` heads on the first page, as {line index: left edge of the
    block on that line}: the block's own lines, and the line right after it (a tax id printed
    under the block, maybe further right)."""
    key = name_key(name)
    for index, line in enumerate(lines):
        if line.page != 0:
            break
        for cell in line.cells:
            if name_key(cell.text) != key:
                continue
            block = {at: member.x0 - 2 for at, member in [(index, cell), *_cells_below(lines, index, cell, limit=6)]}
            last = lines[max(block)]
            after = max(block) + 1
            if (
                after < len(lines)
                and lines[after].page == 0
                and lines[after].top - last.bottom < last.bottom - last.top
            ):
                block[after] = cell.x0 - 2
            return block
    return {}


def tax_ids(lines: list[Line], *, buyer: str | None = None) -> list[TaxIdSpot]:
    buyer_block = _buyer_block(lines)
    for index, left in (_address_block(lines, buyer) if buyer else {}).items():
        buyer_block[index] = min(buyer_block.get(index, float("inf")), left)
    footer = footer_lines(lines)
    spots: list[TaxIdSpot] = []
    for index, line in enumerate(lines):
        for position, cell in enumerate(line.cells):
            for match in labels.TAX_ID.finditer(cell.text):
                rest = cell.text[match.end() :]
                if not rest.strip(" :#."):  # "GST/HST No. | 123456782 RT0001" or "VAT REG NO" over the id
                    beside = line.cells[position + 1].text if position + 1 < len(line.cells) else ""
                    below = cell_below(lines, index, cell)
                    rest = beside if tax_id_from(beside) else below[1].text if below else ""
                value = tax_id_from(rest)
                if value is None:
                    continue
                hinted = bool(_BUYER_HINT.search(cell.text[: match.start()]))
                in_buyer_block = cell.x0 >= buyer_block.get(index, float("inf"))
                spots.append(TaxIdSpot(value, index, hinted or in_buyer_block, index in footer))
    return spots


def company_names(text: str) -> list[str]:
    """Company names ending in a legal form inside ``text``: the capitalised words before the form."""
    names = []
    for match in labels.LEGAL_FORM.finditer(text):
        head = text[: match.start()].rstrip()
        comma = head.endswith(",")  # "Nimbus, Inc."
        # a parenthesis closed before the legal form is part of the name: "Kiwi Pumps (NZ) Limited"
        head = re.split(r"[·|:;,]|\((?![^()]*\))|\s[–-](?:\s|$)", head.rstrip(", "))[-1]
        words = head.split()
        kept: list[str] = []
        for word in reversed(words):
            if word[:1].isupper() or word.lower() in _CONNECTORS or not word[:1].isalpha():
                kept.insert(0, word)
            else:
                break
        while kept and (kept[0] in _CONNECTORS or not kept[0][:1].isalnum()):
            kept.pop(0)
        if comma and kept:
            kept[-1] += ","
        if kept or match.group().startswith(("株式会社", "有限会社")):
            tail = text[match.start() : match.end()]
            if tail in ("株式会社", "有限会社"):
                following = re.match(r"\S+", text[match.end() :].lstrip())
                names.append(tail + (following.group() if following else ""))
            else:
                names.append(" ".join([*kept, tail]))
    return names


def heading(lines: list[Line]) -> str | None:
    """The largest text near the top of the first page that is not a document title."""
    best: tuple[float, str] | None = None
    for index, line in enumerate(lines[:12]):  # pages come in order: these are page 1's first lines
        if line.page != 0:
            break
        for cell in line.cells:
            if (
                _TITLES.match(cell.text.strip())
                or _PAGE_NUMBER.match(cell.text)
                or not re.search(r"[^\W\d_]{2}", cell.text)
                or find_dates(cell.text, day_first=None)
                or labels.INVOICE_NUMBER.search(cell.text)
                or labels.TITLE_NUMBER.search(cell.text)
            ):
                continue
            height = max(word.height for word in cell.words)
            if best is None or height > best[0] + 0.5:
                best = (height, _with_next_line(lines, index, cell, height))
    return best[1] if best else None


def _ends_in_legal_form(name: str) -> bool:
    return any(match.end() >= len(name.rstrip(" .")) for match in labels.LEGAL_FORM.finditer(name))


def _with_next_line(lines: list[Line], index: int, cell: Cell, height: float) -> str:
    """A heading set over several lines ("Tulpenhof" / "Bloemen B.V.", "Kowalski Sp. z" / "o.o.")
    read as one name: lines in the same place and type size, without figures, until the name
    ends in a legal form."""
    parts = [cell.text.strip(DECORATION)]
    for _ in range(3):
        if _ends_in_legal_form(" ".join(parts)):
            break
        below = cell_below(lines, index, cell, max_lines=1)
        if below is None or re.search(r"\d", below[1].text):
            break
        index, next_cell = below
        next_height = max(word.height for word in next_cell.words)
        if abs(next_cell.x0 - cell.x0) >= 3 or abs(next_height - height) > 0.15 * height:
            break
        parts.append(next_cell.text.strip())
        cell = next_cell
    return " ".join(parts)


def _is_party_name(text: str) -> bool:
    """A plausible name: has a word of three letters, is not an id, a label or a document title."""
    if not re.search(r"[^\W\d_]{3}|[\u3040-\u9fff]{2}", text) or _CODE.fullmatch(text):
        return False
    if labels.ATTENTION.search(text) or _TITLES.match(text) or text.rstrip().endswith(":"):
        return False
    other_labels = (
        labels.BUYER,
        labels.SELLER,
        labels.SHIP_TO,
        labels.TAX_ID,
        labels.INVOICE_NUMBER,
        labels.OTHER_DATE,
    )
    return not any(p.search(text) for p in (*other_labels, labels.INVOICE_DATE, labels.GENERIC_DATE, labels.DUE_DATE))


def _names_under_label(lines: list[Line], label: re.Pattern[str]) -> list[str]:
    """For each cell opening with ``label``: the rest of the cell, else the first name below it
    (an "Attn:" line between label and name is passed over)."""
    names = []
    for index, line in enumerate(lines):
        for cell in line.cells:
            match = label.search(cell.text)
            if match is None:
                continue
            rest = _ASIDE.sub("", cell.text[match.end() :]).strip(" :")  # "Buyer (Bill to)"
            if labels.LEGAL_FORM.fullmatch(rest.rstrip(" .,")) or cell.text[match.end() : match.end() + 1] == "-":
                continue  # a company named by a label word ("Verkäufer Handels GmbH"), a compound ("Verkäufer-BIC")
            if rest:
                names.append(rest)
                continue
            column = _cells_below(lines, index, cell, limit=3)
            below = (c for _, c in column if not labels.ATTENTION.search(c.text))
            if (first := next(below, None) or _indented_below(lines, index, cell)) is not None:
                names.append(first.text.strip())
    return names


def _indented_below(lines: list[Line], index: int, label: Cell) -> Cell | None:
    """The first name of a block that starts under a label but right of it ("Invoice To:" over a
    box indented past the label's end), passing over an "Attn:" line; the next two lines only."""
    for line in lines[index + 1 : index + 4]:
        if line.page != lines[index].page:
            return None
        for cell in line.cells:
            if label.x1 <= cell.x0 <= label.x1 + _INDENT and not labels.ATTENTION.search(cell.text):
                return cell
    return None


def find_buyer(lines: list[Line]) -> Found[str] | None:
    for text in _names_under_label(lines, _BUYER_LABEL):
        if _is_party_name(text):
            return Found(text, 0.85)
    for line in lines:
        if "御中" in line.text:
            return Found(line.text.split("御中")[0].strip(), 0.85)
    for index, line in enumerate(lines):
        for cell in line.cells:
            # the line above "Attn: ..." / "À l'attention de ..." in an address block names the party
            above = cell_above(lines, index, cell, max_lines=1) if labels.ATTENTION.search(cell.text) else None
            if above is not None and _is_party_name(above[1].text):
                return Found(above[1].text.strip(), 0.7)
    return None


def buyer_below_sender_line(lines: list[Line], vendor: str) -> Found[str] | None:
    """In a window envelope letter (DIN 5008) the recipient's name is the line under the small
    sender line that repeats the vendor's name and address ("Muster GmbH · Street 1 · City")."""
    key = name_key(vendor)
    for index, line in enumerate(lines):
        for cell in line.cells:
            if (parts := SENDER_SEPARATOR.split(cell.text)) and len(parts) > 1 and name_key(parts[0]) == key:
                below = cell_below(lines, index, cell)
                if below is not None and _is_party_name(below[1].text):
                    return Found(below[1].text.strip(), 0.7)
    return None


def _continues_a_block(lines: list[Line], index: int, cell: Cell) -> bool:
    above = cell_above(lines, index, cell, max_lines=1)
    return above is not None and cell.top - above[1].bottom < 1.5 * (cell.bottom - cell.top)


def unlabelled_recipient(lines: list[Line], vendor: str) -> Found[str] | None:
    """In a letter-style invoice the recipient's address has no label: a block of lines in one
    column near the top of the first page (name, maybe a contact, street, postcode and town)
    that does not name the vendor. Only a single such block counts."""
    vendor_key = name_key(vendor)
    page_end = max((line.bottom for line in lines if line.page == 0), default=0.0)
    found: list[str] = []
    for index, line in enumerate(lines):
        if line.page != 0 or line.top > 0.4 * page_end:
            break
        for cell in line.cells:
            if not _is_party_name(cell.text) or _continues_a_block(lines, index, cell):
                continue
            block = [cell.text, *(below.text for _, below in _cells_below(lines, index, cell, limit=5))]
            names_vendor = any(vendor_key in name_key(text) for text in block)
            if len(block) >= 3 and not names_vendor and any(labels.POSTCODE_LINE.search(t) for t in block[1:]):
                found.append(cell.text.strip())
    return Found(found[0], 0.7) if len(found) == 1 else None


#: Contact details and company registrations end an address.
_NOT_ADDRESS = re.compile(
    r"@|www\.|https?:|\b(?:tel|phone|fax|t|f)\b\.?\s*[:+\d]|^\+?[\d\s()/.-]{7,}$"
    r"|\b(?:HR[AB]|Amtsgericht|Registergericht|Handelsregister|RCS|SIRE[NT]|KvK|REA|CIF|NIF|IBAN|BIC)\b",
    re.I,
)


def _address_parts(parts: list[str]) -> str | None:
    """The street-to-town run of an address: the parts up to the last postcode line (a street
    number can look like a postcode too), stopping at contact details or a tax id."""
    kept: list[str] = []
    end = 0
    for part in (piece.strip(" ,–-") for text in parts for piece in text.split(" · ")):
        if not part or _NOT_ADDRESS.search(part) or labels.TAX_ID.search(part) or len(kept) == 4:
            break
        if not labels.LEGAL_FORM.fullmatch(part.rstrip(",.")):  # "Inc." wrapped from the name above
            kept.append(part)
        if labels.POSTCODE_LINE.search(part):
            end = len(kept)
    return ", ".join(kept[:end]) or None


def find_vendor_address(lines: list[Line], vendor: str) -> Found[str] | None:
    """The vendor's postal address: the rest of a sender line ("Muster GmbH · Street 1 · City") or
    of a footer line naming the vendor, else the lines under the vendor's name."""
    key = name_key(vendor)
    for line in lines:
        for cell in line.cells:
            head, *rest = re.split(r"\s[·|–]\s|\s-\s", cell.text)
            if rest and name_key(head).startswith(key) and (address := _address_parts(rest)):
                return Found(address, 0.7)
    for index, line in enumerate(lines):
        for cell in line.cells:
            cell_key = name_key(cell.text)
            if (
                cell_key
                and (cell_key.startswith(key) or key.startswith(cell_key))
                and abs(len(cell_key) - len(key)) < 8
            ):
                below = [c.text for _, c in _cells_below(lines, index, cell, limit=4)]
                if address := _address_parts(below):
                    return Found(address, 0.7)
    return None


def names_under_seller_label(lines: list[Line]) -> list[str]:
    """The names printed under or after a seller label ("From", "Sold by", "Émetteur")."""
    return [text for text in _names_under_label(lines, _SELLER_LABEL) if _is_party_name(text)]


#: Legal forms written out or abbreviated name the same company.
_LEGAL_FORM_SPELLINGS = ((r"\bltd\b\.?", "limited"), (r"\binc\b\.?", "incorporated"), (r"\bcorp\b\.?", "corporation"))


def company_key(name: str) -> str:
    text = name.casefold()
    for pattern, written_out in _LEGAL_FORM_SPELLINGS:
        text = re.sub(pattern, written_out, text)
    return name_key(text)


def with_legal_form(name: str, lines: list[Line]) -> str:
    """The name with its legal form when one is printed anywhere ("Koala Creative" -> "... Pty Ltd")."""
    key = name_key(name)
    for line in lines:
        for candidate in (name for cell in line.cells for name in company_names(cell.text)):
            if name_key(candidate).startswith(key) and len(candidate) > len(name):
                return candidate
    return name


def find_tax_ids(lines: list[Line], *, buyer: str | None = None) -> tuple[Found[str] | None, Found[str] | None]:
    """(vendor's, buyer's) tax id; ``buyer`` is the buyer's name when known, whose address block
    holds the buyer's id."""
    spots = tax_ids(lines, buyer=buyer)
    vendor_votes = Counter(s.value for s in spots if not s.for_buyer)
    buyer_votes = Counter(s.value for s in spots if s.for_buyer)
    vendor = None
    for value in list(vendor_votes):  # "IVA ESX1234567Y" and "NIF X1234567Y": the VAT id is the one with its prefix
        if longer := next((other for other in vendor_votes if other != value and other.endswith(value)), None):
            vendor_votes[longer] += vendor_votes.pop(value)
    if vendor_votes:
        value, count = vendor_votes.most_common(1)[0]
        in_footer = any(s.in_footer and s.value == value for s in spots)
        vendor = Found(value, 0.9 if count > 1 or in_footer else 0.75)
    candidates = [v for v, _ in buyer_votes.most_common() if vendor is None or v != vendor.value]
    return vendor, Found(candidates[0], 0.8) if candidates else None
