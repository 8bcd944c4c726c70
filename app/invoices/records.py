"""Invoices read back from the records the session store keeps, validated once per record.

Every list, export, statistic and dashboard reads all of a session's records. Validating each
record into an Invoice every time made listing a page of a 5,000-invoice session five times as
slow as of a 500-invoice one. A record's text is all an Invoice is made from, so the Invoice
read from it is kept (least recently used first out) and reused while the record is unchanged.

The Invoices handed out are shared between requests: read them, never change them. A change
starts from a fresh copy (``fresh``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from app.invoices.schemas import Invoice

#: Records whose Invoice is kept: a few large sessions' worth.
CACHED_RECORDS = 20_000

_read: OrderedDict[tuple[int, int], Invoice] = OrderedDict()
_lock = threading.Lock()


def shared(record: str) -> Invoice:
    """The Invoice of ``record``, shared: not to be changed."""
    key = (len(record), hash(record))  # str hashes are cached on the object the store hands out
    with _lock:
        invoice = _read.get(key)
        if invoice is not None:
            _read.move_to_end(key)
            return invoice
    invoice = Invoice.model_validate_json(record)
    with _lock:
        _read[key] = invoice
        if len(_read) > CACHED_RECORDS:
            _read.popitem(last=False)
    return invoice


def fresh(record: str) -> Invoice:
    """An Invoice of ``record`` of the caller's own, to change."""
    return Invoice.model_validate_json(record)
