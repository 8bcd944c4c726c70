"""Check digits and formats of the ids an invoice carries: VAT ids and national tax numbers, the IBAN.

An id whose form names its scheme (a VAT id's country prefix, a Chinese unified social credit code,
an Indian GSTIN, a Swiss UID, ...) is checked with python-stdnum; one that fails is kept as the
document states it but marked unsure with a warning, so a misread or mistyped id is looked at
before it reaches a ledger. An id of a form no scheme claims (a bare run of digits) is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from stdnum import bic as bic_code
from stdnum import iban as iban_code
from stdnum.ca import bn
from stdnum.ch import uid
from stdnum.cn import uscc
from stdnum.es import nif
from stdnum.eu import vat as eu_vat
from stdnum.gb import vat as gb_vat
from stdnum.in_ import gstin
from stdnum.no import mva
from stdnum.us import ein

from app.parsing.model import ExtractedInvoice, ParseWarning

#: Below this the review page asks a person to check a field.
UNSURE = 0.5


def _swiss_uid_valid(value: str) -> bool:
    """A Swiss UID, without the VAT suffix its VAT number carries ("CHE-100.155.212 MWST")."""
    return bool(uid.is_valid(re.sub(r"\s*(?:MWST|TVA|IVA|VAT)$", "", value.strip(), flags=re.IGNORECASE)))


_EU_PREFIX = "(?:AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK)"
_SCHEMES: tuple[tuple[re.Pattern[str], Callable[[str], bool]], ...] = (
    (re.compile(r"CHE[-\s]?\d{3}\.?\d{3}\.?\d{3}(?:\s*(?:MWST|TVA|IVA|VAT))?", re.I), _swiss_uid_valid),
    (re.compile(r"NO\s?\d{9}\s?MVA", re.I), mva.is_valid),
    (re.compile(r"(?:GB|XI)\s?\d{3}\s?\d{4}\s?\d{2}(?:\s?\d{3})?", re.I), gb_vat.is_valid),
    (re.compile(_EU_PREFIX + r"[\s.-]?[0-9A-Z][0-9A-Z\s.-]{1,14}", re.I), eu_vat.is_valid),
    (re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}"), uscc.is_valid),
    (re.compile(r"\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]"), gstin.is_valid),
    (re.compile(r"[A-HJ-NP-SUVW]\d{7}[0-9A-J]|\d{8}[A-Z]|[XYZ]\d{7}[A-Z]"), nif.is_valid),
    (re.compile(r"\d{9}\s?RT\s?\d{4}"), bn.is_valid),
    (re.compile(r"\d{2}-\d{7}"), ein.is_valid),
)  # fmt: skip


def tax_id_fails(value: str) -> bool:
    """Whether ``value`` has the form of a known tax-id scheme and fails that scheme's check."""
    text = value.strip()
    for form, is_valid in _SCHEMES:
        if form.fullmatch(text):
            return not is_valid(text)
    return False


def _iban_fails(value: str) -> bool:
    return not iban_code.is_valid(value)


def _bic_fails(value: str) -> bool:
    return not bic_code.is_valid(value)


_CHECKED: tuple[tuple[str, Callable[[str], bool], str, str], ...] = (
    ("vendor_tax_id", tax_id_fails, "tax_id_invalid", "The vendor's tax id fails its check digits or format"),
    ("buyer_tax_id", tax_id_fails, "tax_id_invalid", "The buyer's tax id fails its check digits or format"),
    ("iban", _iban_fails, "iban_invalid", "The IBAN fails its check digits or its country's length"),
    ("bic", _bic_fails, "bic_invalid", "The BIC is not one (8 or 11 letters and digits, a real country)"),
)
#: The warnings given here, dropped before the checks run again.
CODES = frozenset(code for _, _, code, _ in _CHECKED)


def check_identifiers(invoice: ExtractedInvoice) -> None:
    """A warning, and an unsure confidence, for each id that fails its scheme's check."""
    for name, fails, code, message in _CHECKED:
        value = getattr(invoice, name)
        if value is None or not fails(value):
            continue
        invoice.confidence[name] = min(invoice.confidence.get(name, 1.0), UNSURE)
        invoice.warnings.append(
            ParseWarning(code=code, message=f"{message}: please check it against the document.", fields=[name])
        )
