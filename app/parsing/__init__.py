"""The parsing core: a pure library turning invoice documents into ExtractedInvoice objects.

It does no I/O and imports no web, queue or storage code, so the API, the jobs, the CLI and the
benchmarks all call the same ``parse_document``.
"""

from app.parsing.document import parse_document, parse_recognised, recheck
from app.parsing.errors import DocumentError
from app.parsing.model import ExtractedInvoice, LineItem, ParseWarning

__all__ = [
    "DocumentError",
    "ExtractedInvoice",
    "LineItem",
    "ParseWarning",
    "parse_document",
    "parse_recognised",
    "recheck",
]
