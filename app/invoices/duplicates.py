"""The same invoice twice in a session: the same file, or the same vendor, number and total.

Worked out whenever the session's invoices are read (they are all read for any list or export),
never stored: deleting the first of two copies clears the second's flag at once, and an invoice
corrected into a copy of another is flagged the next time it is looked at. The earlier invoice
(in the order they came in) is the original; each later copy names it in ``possible_duplicate``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

from app.invoices.schemas import Invoice

Fingerprint = tuple[str, ...]


@functools.lru_cache(maxsize=65_536)
def _plain(text: str) -> str:
    """Letters and digits only, case folded: "Nordwind GmbH." and "NORDWIND GmbH" are one vendor."""
    return re.sub(r"[\W_]+", "", text.casefold())


def fingerprints(invoice: Invoice) -> Iterator[Fingerprint]:
    """What makes two invoices the same: the file's hash; the vendor (by tax id, and by name),
    number and total."""
    if invoice.document_sha256:
        yield ("file", invoice.document_sha256)
    if not invoice.invoice_number or invoice.total_amount is None:
        return
    number, total = _plain(invoice.invoice_number), str(invoice.total_amount.normalize())
    for kind, party in (("tax_id", invoice.vendor_tax_id), ("vendor", invoice.vendor)):
        if party and _plain(party):
            yield (kind, _plain(party), number, total)


def original_of(invoice: Invoice, invoices: Iterable[Invoice]) -> str | None:
    """The id of the first of ``invoices`` (oldest first) that ``invoice`` repeats, looking only at
    those that came before it (what ``flag`` would set on it, without copying any invoice)."""
    marks = set(fingerprints(invoice))
    if not marks:
        return None
    for earlier in invoices:
        if earlier.id == invoice.id:
            return None
        if marks.intersection(fingerprints(earlier)):
            return earlier.id
    return None


def flag(invoices: Iterable[Invoice]) -> list[Invoice]:
    """``invoices`` (oldest first), each later copy of an earlier one with ``possible_duplicate``
    naming it. Invoices are shared and not changed: a flagged one is a copy."""
    first_with: dict[Fingerprint, str] = {}
    flagged = []
    for invoice in invoices:
        marks = list(fingerprints(invoice))
        original = next((first_with[mark] for mark in marks if mark in first_with), None)
        for mark in marks:
            first_with.setdefault(mark, invoice.id)
        if invoice.possible_duplicate != original:
            invoice = invoice.model_copy(update={"possible_duplicate": original})
        flagged.append(invoice)
    return flagged
