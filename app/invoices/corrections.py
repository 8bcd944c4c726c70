"""A person's correction of one field: the value checked for the field's type, then applied.

Amounts are decimal strings (or whole numbers), dates ISO ``YYYY-MM-DD``, the currency an ISO 4217
code, line items the whole list, days whole numbers; an IBAN or a BIC must pass its own check;
``null`` clears a field. After the change the document's checks
run again, the corrected field becomes certain (confidence 1.0), the status is worked out anew
(an approved invoice that changes needs approving again) and the change is kept in ``corrections``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, get_args

import pycountry
from pydantic import TypeAdapter, ValidationError

from app.core.errors import AppError
from app.invoices.schemas import Correction, Invoice
from app.parsing import LineItem, recheck
from app.parsing.amounts import in_range
from app.parsing.model import AMOUNT_FIELDS, MAX_LINE_ITEMS, PAYMENT_TEXT_FIELDS, BankCodeType
from app.parsing.payment import valid_bic, valid_iban

TEXT_FIELDS = (
    "vendor",
    "vendor_tax_id",
    "vendor_address",
    "buyer",
    "buyer_tax_id",
    "invoice_number",
    *(name for name in PAYMENT_TEXT_FIELDS if name not in ("iban", "bic")),
)
DATE_FIELDS = ("invoice_date", "due_date")
DAY_FIELDS = ("payment_terms_days", "cash_discount_days")
DECIMAL_FIELDS = (*AMOUNT_FIELDS, "cash_discount_percent", "cash_discount_amount")
EDITABLE = (
    *TEXT_FIELDS,
    *DATE_FIELDS,
    "currency",
    *AMOUNT_FIELDS,
    "line_items",
    "iban",
    "bic",
    "bank_code_type",
    *DAY_FIELDS,
    "cash_discount_percent",
    "cash_discount_amount",
)
_BANK_CODE_TYPES = get_args(BankCodeType)
MAX_TEXT = 500
MAX_DESCRIPTION = 2000
#: Control characters other than tab and line breaks, which no worksheet or printed page can show,
#: and lone surrogates (valid in JSON's escapes, not in any text that can be stored).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_DECIMAL = re.compile(r"^-?\d{1,13}(\.\d{1,4})?$")
_LINE_ITEMS = TypeAdapter(list[LineItem])
_ANY = TypeAdapter(Any)


def _invalid(field: str, message: str) -> AppError:
    return AppError("invalid_value", message, field=field)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _decimal(field: str, value: object) -> Decimal:
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else None
    if text is None or not _DECIMAL.match(text):
        expected = 'a decimal string such as "1234.50" (at most 4 decimals)'
        raise _invalid(field, f"{field} must be {expected}, got {_shown(value)}.")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise _invalid(field, f"{field} is not a number: {_shown(value)}.") from None


def parse_value(field: str, value: object) -> object:
    """``value`` as the type of ``field``, or a 422 that says what is expected."""
    if field not in EDITABLE:
        message = f"{field!r} cannot be corrected; fields that can: {', '.join(EDITABLE)}."
        raise AppError("unknown_field", message, field="field")
    if field == "line_items":
        if value is None:
            return []
        try:
            items = _LINE_ITEMS.validate_python(value)
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            raise _invalid(field, f"line_items[{where}]: {problem['msg']}.") from None
        if len(items) > MAX_LINE_ITEMS:
            raise _invalid(field, f"At most {MAX_LINE_ITEMS} line items.")
        for index, item in enumerate(items):
            _check_text(field, item.description or "", MAX_DESCRIPTION, f"line_items[{index}].description")
            for name in ("quantity", "unit_price", "amount"):
                if not in_range(getattr(item, name)):
                    raise _invalid(field, f"line_items[{index}].{name}: at most 14 digits before the decimal point.")
        return items
    if value is None:
        return None
    if field in DECIMAL_FIELDS:
        number = _decimal(field, value)
        if field == "cash_discount_percent" and not 0 < number < 100:
            raise _invalid(field, f"cash_discount_percent must be between 0 and 100, got {_shown(value)}.")
        return number
    if field in DAY_FIELDS:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 999:
            raise _invalid(field, f"{field} must be a whole number of days from 0 to 999, got {_shown(value)}.")
        return value
    if not isinstance(value, str):
        raise _invalid(field, f"{field} must be a string or null, got {_shown(value)}.")
    text = value.strip()
    if field in DATE_FIELDS:
        return _date(field, text)
    if field == "iban":
        if (iban := valid_iban(text)) is None:
            raise _invalid(field, f"iban fails its check digits or its country's length: {_shown(value)}.")
        return iban
    if field == "bic":
        if (bic := valid_bic(text)) is None:
            raise _invalid(field, f"bic must be 8 or 11 letters and digits with a real country, got {_shown(value)}.")
        return bic
    if field == "bank_code_type":
        if text not in _BANK_CODE_TYPES:
            raise _invalid(field, f"bank_code_type must be one of {', '.join(_BANK_CODE_TYPES)}, got {_shown(value)}.")
        return text
    if field == "currency":
        if not re.fullmatch(r"[A-Za-z]{3}", text) or pycountry.currencies.get(alpha_3=text.upper()) is None:
            raise _invalid(field, f"currency must be an ISO 4217 code such as EUR or USD, got {_shown(value)}.")
        return text.upper()
    _check_text(field, text, MAX_TEXT, field)
    return text or None


def _check_text(field: str, text: str, limit: int, where: str) -> None:
    if len(text) > limit:
        raise _invalid(field, f"{where} is longer than {limit} characters.")
    if _CONTROL.search(text):
        raise _invalid(field, f"{where} holds control characters; send plain text.")


def _date(field: str, text: str) -> date:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise _invalid(field, f"{field} must be a real date written YYYY-MM-DD, got {_shown(text)}.")


def apply(invoice: Invoice, field: str, value: Any) -> bool:
    """Set ``field`` to the (already parsed) ``value``; False when it already had that value."""
    before = getattr(invoice, field)
    if before == value:
        return False
    setattr(invoice, field, value)
    invoice.corrections.append(
        Correction.model_validate(
            {
                "field": field,
                "from": _ANY.dump_python(before, mode="json"),
                "to": _ANY.dump_python(value, mode="json"),
                "at": datetime.now(UTC),
            }
        )
    )
    _settle(invoice)
    return True


def reapply(invoice: Invoice, history: list[Correction]) -> None:
    """Put earlier corrections back on a freshly parsed invoice and keep their record."""
    for correction in history:
        setattr(invoice, correction.field, parse_value(correction.field, correction.to))
    invoice.corrections = list(history)
    if history:
        _settle(invoice)


#: Warnings about the document's two statements of a field disagreeing, settled once a person has
#: corrected every field they name.
_SETTLED_BY_CORRECTION = frozenset({"qr_text_mismatch", "xml_text_mismatch"})


def _settle(invoice: Invoice) -> None:
    """Checks again, corrected fields certain, status worked out anew."""
    recheck(invoice)
    corrected = {correction.field for correction in invoice.corrections}
    for name in corrected:
        invoice.confidence[name] = 1.0
    invoice.warnings = [
        warning
        for warning in invoice.warnings
        if not (warning.code in _SETTLED_BY_CORRECTION and warning.fields and set(warning.fields) <= corrected)
    ]
    invoice.status = "needs_review" if invoice.needs_review() else "parsed"
