"""Payment details on a printed invoice: the account to pay, the reference to quote, the terms and
the buyer's purchase order.

Account numbers are taken only when their check digits hold (IBAN mod 97, ABA routing, RF
creditor reference, Swiss QR reference), so a misread or a different number of the same shape is
left out rather than handed to a payment run. Everything else is read beside its label; nothing
unlabelled is guessed, except numbers whose own form says what they are (an IBAN, an RF reference).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from stdnum import bic as bic_code
from stdnum import iban as iban_code
from stdnum import iso11649
from stdnum.ch import esr
from stdnum.us import rtn

from app.parsing.fields import Found, document_id
from app.parsing.geometry import labelled_values
from app.parsing.layout import Line
from app.parsing.payment_terms import read_terms, states_terms, terms_sentences


def _any(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)


_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b")
_BIC = re.compile(r"\b[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?\b")
_RF = re.compile(r"\bRF\d{2}(?:[ ]?[A-Z0-9]){1,21}\b")
_QR_REFERENCE = re.compile(r"(?<!\d)(?<!\d )\d{2}(?: ?\d{5}){5}(?!\d)")
#: A line about the buyer's own account (a direct debit) names no account to pay into.
_DEBIT = _any(
    r"debit", r"lastschrift", r"abgebucht", r"einzug", r"prélèvement", r"mandat", r"addebito", r"domiciliación"
)

BIC_LABEL = _any(r"\bBIC\b(?:\s*/\s*SWIFT)?", r"\bSWIFT(?:\s*/\s*BIC)?(?:[\s-]*code)?\b")
HOLDER_LABEL = _any(
    r"account\s+(?:holder|name)",
    r"beneficiary(?:'s)?(?:\s+name)?",
    r"kontoinhaber(?:in)?",
    r"konto(?:name|bezeichnung)",
    r"zahlungsempfänger",
    r"titulaire(?:\s+du\s+compte)?",
    r"bénéficiaire",
    r"intestat(?:ario|o\s+a)",
    r"titular(?:\s+de\s+la\s+cuenta)?",
    r"rekeninghouder",
    r"ten\s+name\s+van",
    r"户名",
)
#: A bank's name stands after "Bank:" (a colon: "Bank of Scotland" and "bank routing" are no labels).
BANK_LABEL = _any(
    r"\bbank(?:\s*name)?\s*:",
    r"kreditinstitut\s*:?",
    r"geldinstitut\s*:?",
    r"\bbanque\s*:",
    r"\bbanca\s*:",
    r"\bbanco\s*:",
    r"开户(?:行|银行)",
)
#: Where a bank's name ends when an account follows on its line.
_BANK_NAME_END = _any(
    r"\bIBAN\b",
    r"\bBIC\b",
    r"\bSWIFT\b",
    r"\bBLZ\b",
    r"\bkonto(?:nummer|-?nr\.?)?\s*:?\s*\d",
    r"\baccount\s*(?:no\.?|number|#)",
    r"\bA/?C\b",
    r"\bsort\s*code",
    r"[,;|]",
    r"及?账号",
)
ACCOUNT_LABEL = _any(
    r"(?:bank\s+)?a/?c(?:count)?\.?\s*(?:no\.?|number|#)",
    r"account\s*(?:no\.?|number|#)",
    r"acct\.?\s*(?:no\.?|#)?",
    r"konto(?:nummer|-?nr\.?)",
    r"n°\s*de\s*compte",
    r"账号",
)
SORT_CODE_LABEL = _any(r"sort\s*code")
ROUTING_LABEL = _any(r"\bABA\b(?:\s*(?:no\.?|number|#|routing))?", r"routing(?:\s*(?:no\.?|number|#|transit))?")
IFSC_LABEL = _any(r"\bIFSC(?:\s*code)?\b")
BSB_LABEL = _any(r"\bBSB\b")
REFERENCE_LABEL = _any(
    r"payment\s+reference(?:\s*(?:no\.?|number|#))?",
    r"remittance\s+reference",
    r"reference\s+to\s+quote",
    r"please\s+quote",
    r"\bquote\s+(?:the\s+|this\s+|our\s+)?reference",
    r"verwendungszweck",
    r"zahlungsreferenz(?:nummer)?",
    r"r[ée]f[ée]rence\s+(?:(?:de|du|avis\s+de)\s+)?(?:paiement|virement|règlement)",
    r"r[ée]f[ée]rence\s+à\s+rappeler",
    r"communication\s+structurée",
    r"causale(?:\s+del\s+(?:versamento|bonifico))?",
    r"riferimento\s+(?:di\s+)?pagamento",
    r"betalingskenmerk",
    r"betalingsreferen(?:ce|tie)",
    r"referencia\s+de\s+pago",
    r"付款(?:备注|附言)",
)
#: A reference that names the invoice's own number ("please quote the invoice number").
_QUOTE_NUMBER = _any(
    r"invoice\s*(?:no\.?|number|#)",
    r"rechnungs(?:nummer|-?nr)",
    r"numéro\s+de\s+facture",
    r"numero\s+(?:di\s+)?fattura",
)
TERMS_LABEL = _any(
    r"payment\s+terms?",
    r"terms\s+of\s+payment",
    r"^\s*terms\b",
    r"zahlungs(?:bedingungen|ziel|konditionen|frist)",
    r"conditions\s+de\s+(?:paiement|règlement)",
    r"modalités\s+de\s+(?:paiement|règlement)",
    r"condizioni\s+di\s+pagamento",
    r"termini\s+di\s+pagamento",
    r"condiciones\s+de\s+pago",
    r"betalingsvoorwaarden",
    r"betalingsbetingelser",
    r"betalningsvillkor",
    r"warunki\s+płatności",
    r"付款条件",
    r"支払条件",
)
PURCHASE_ORDER_LABEL = _any(
    r"(?-i:\bP\.?\s?O\b\.?)(?=\s*(?:no\.?|number|#|:|\s\d|$))(?:\s*(?:no\.?|number|#))?",
    r"purchase\s+order(?:\s*(?:no\.?|number|#|ref(?:erence)?))?",
    r"your\s+(?:purchase\s+)?order(?:\s*(?:no\.?|number|#|ref(?:erence)?))?",
    r"customer\s+order(?:\s*(?:no\.?|number|#))?",
    r"buyer'?s?\s+order(?:\s*(?:no\.?|number|#|ref(?:erence)?))?",
    r"order\s+reference",
    r"bestell(?:nummer|-?nr\.?|ung(?:\s+nr\.?)?)",
    r"ihre\s+bestell(?:ung|nummer)(?:\s+(?:nr\.?|vom))?",
    r"bon\s+de\s+commande",
    r"(?:n°|numéro)\s+de\s+commande",
    r"votre\s+commande",
    r"ordine\s+d'acquisto",
    r"(?:vostro\s+)?ordine\s+n[.°]?",
    r"orden\s+de\s+compra",
    r"pedido\s+n[º°o.]?",
    r"(?:uw\s+)?bestel(?:nummer|ling)",
    r"inköpsorder",
    r"zamówienie(?:\s+nr)?",
    r"采购订单(?:号)?",
    r"订单号",
)
#: The shop's own "Order number" is often all a web shop's invoice gives: a weaker purchase order.
_ORDER_NUMBER = _any(r"\border\s*(?:no\.?|number|#|nr\.?|id)")


_IBAN_FORM = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}")


def iban_form(text: str) -> str | None:
    """``text`` in an IBAN's electronic form when it has an IBAN's shape, whether or not its check
    digits hold (a structured source states what it states; the check is a warning, see identifiers.py)."""
    compact = re.sub(r"[\s-]", "", text).upper()
    return compact if _IBAN_FORM.fullmatch(compact) else None


def valid_iban(text: str) -> str | None:
    """``text`` as an IBAN in its electronic form, or None when its country, length or check digits fail."""
    compact = iban_code.compact(text)
    return compact if iban_code.is_valid(compact) else None


def valid_bic(text: str) -> str | None:
    compact = text.replace(" ", "").upper()
    return compact if _BIC.fullmatch(compact) and bic_code.is_valid(compact) else None


def valid_reference(text: str) -> str | None:
    """A structured creditor reference (ISO 11649, RF…) or a Swiss QR reference, checked; else None."""
    compact = text.replace(" ", "").upper()
    if compact.startswith("RF") and iso11649.is_valid(compact):
        return compact
    if len(compact) == 27 and compact.isdigit() and esr.is_valid(compact):
        return compact
    return None


def find_payment(lines: list[Line], *, invoice_number: str | None) -> dict[str, Found[object]]:
    """The payment fields printed on ``lines`` that can be read with certainty or beside a label."""
    found: dict[str, Found[object]] = {}
    if iban := _find_iban(lines):
        found["iban"] = iban
    elif national := _national_account(lines):
        found.update(national)
    if bic := _first(lines, BIC_LABEL, _bic_after_label, 0.9) or _bic_beside_iban(lines, found.get("iban")):
        found["bic"] = bic
    for name, label, read in (
        ("account_holder", HOLDER_LABEL, _name),
        ("bank_name", BANK_LABEL, _name),
        ("purchase_order", PURCHASE_ORDER_LABEL, document_id),
    ):
        if value := _first(lines, label, read, 0.8):
            found[name] = value
    order = None if "purchase_order" in found else _first(lines, _ORDER_NUMBER, document_id, 0.6)
    if order is not None and order.value != invoice_number:
        found["purchase_order"] = order
    if reference := _find_reference(lines, invoice_number):
        found["payment_reference"] = reference
    found.update(_find_terms(lines))
    return found


def _first(lines: list[Line], label: re.Pattern[str], read: object, confidence: float) -> Found[object] | None:
    """The value beside the first occurrence of ``label`` that ``read`` accepts, nearest first."""
    assert callable(read)
    for candidate in labelled_values(lines, label):
        if (value := read(candidate.text)) is not None:
            return Found(value, confidence if candidate.distance < 2 else round(confidence * 0.9, 2))
    return None


def _shortened(run: str, valid: Callable[[str], str | None]) -> str | None:
    """The longest start of a spaced run that ``valid`` accepts: a run of letters and digits may
    have swallowed the next word ("DE89 3704 ... 00 BIC", "RF18 5390 0754 7034 BIC")."""
    while (found := valid(run)) is None and " " in run:
        run = run.rsplit(" ", 1)[0]
    return found


def _ibans(lines: list[Line]) -> Iterator[tuple[str, Line]]:
    for line in lines:
        for match in _IBAN.finditer(line.text.upper()):
            if iban := _shortened(match.group(), valid_iban):
                yield iban, line


def _find_iban(lines: list[Line]) -> Found[object] | None:
    """The payee's IBAN: the first valid one not on a direct-debit line; less sure when several differ."""
    payee = [iban for iban, line in _ibans(lines) if not _DEBIT.search(line.text)]
    if not payee:
        return None
    return Found(payee[0], 0.9 if len(set(payee)) == 1 else 0.7)


def _bic_beside_iban(lines: list[Line], iban: Found[object] | None) -> Found[object] | None:
    """An unlabelled BIC printed on the IBAN's line, of the IBAN's country."""
    if iban is None:
        return None
    country = str(iban.value)[:2]
    for line in lines:
        if str(iban.value) not in line.text.replace(" ", "").upper():
            continue
        for match in _BIC.finditer(line.text):
            if (code := valid_bic(match.group())) and code[4:6] == country:
                return Found(code, 0.8)
    return None


def _bic_after_label(text: str) -> str | None:
    """The BIC a label's value starts with ("COBADEFFXXX (Commerzbank)")."""
    match = _BIC.match(text.strip().upper())
    return valid_bic(match.group()) if match else None


_NAME = re.compile(r"^[^\W\d_][\w&.,'’()\- ]{1,79}$")


def _name(text: str) -> str | None:
    text = _BANK_NAME_END.split(text, maxsplit=1)[0].strip(" :-")
    return text if _NAME.match(text) else None


def _digits(text: str, length: int) -> str | None:
    digits = re.sub(r"[\s-]", "", text.split(",")[0])
    match = re.match(rf"\d{{{length}}}(?!\d)", digits)
    return match.group() if match else None


def _national_account(lines: list[Line]) -> dict[str, Found[object]]:
    """An account number with its national bank code (UK sort code, US ABA routing, Indian IFSC,
    Australian BSB), for an invoice that gives no IBAN."""
    account = _first(lines, ACCOUNT_LABEL, _account_number, 0.8)
    if account is None:
        return {}
    found: dict[str, Found[object]] = {"account_number": account}
    codes = (
        ("sort_code", SORT_CODE_LABEL, _six_digits),
        ("aba_routing", ROUTING_LABEL, _routing_number),
        ("ifsc", IFSC_LABEL, _ifsc),
        ("bsb", BSB_LABEL, _six_digits),
    )
    for kind, label, read in codes:
        if code := _first(lines, label, read, 0.85):
            found["bank_code"], found["bank_code_type"] = code, Found(kind, code.confidence)
            break
    return found


def _six_digits(text: str) -> str | None:
    """A UK sort code or an Australian BSB: 12-34-56, 123-456."""
    return _digits(text, 6)


def _routing_number(text: str) -> str | None:
    """A US ABA routing number, its check digit verified."""
    code = _digits(text, 9)
    return code if code and rtn.is_valid(code) else None


def _ifsc(text: str) -> str | None:
    """An Indian IFSC: four letters of the bank, a zero, six of the branch."""
    match = re.match(r"[A-Z]{4}0[A-Z0-9]{6}\b", text.strip(), re.IGNORECASE)
    return match.group().upper() if match else None


_SORT_CODE_FORM = re.compile(r"\d{2}-\d{2}-\d{2}")


def _account_number(text: str) -> str | None:
    """The digits an account label's value starts with, in groups ("12-3014-0578982-52",
    "1234 5678"), stopping at a wide gap or a sort code printed after it."""
    groups: list[str] = []
    for group in re.split(r" ", text.strip().split("  ")[0]):
        if not re.fullmatch(r"\d[\d-]*", group) or (groups and _SORT_CODE_FORM.fullmatch(group)):
            break
        groups.append(group)
    number = re.sub(r"-", "", "".join(groups))
    return number if 6 <= len(number) <= 20 else None


def _find_reference(lines: list[Line], invoice_number: str | None) -> Found[object] | None:
    """A checked structured reference anywhere; else the text beside a reference label (the invoice
    number when the label asks to quote it)."""
    for line in lines:
        for pattern in (_RF, _QR_REFERENCE):
            for match in pattern.finditer(line.text.upper()):
                if reference := _shortened(match.group(), valid_reference):
                    return Found(reference, 0.95)
    worded: set[int] = set()  # label lines whose own words were no reference: their neighbours are not either
    for candidate in labelled_values(lines, REFERENCE_LABEL):
        if candidate.line in worded and candidate.distance > 0:
            continue
        if _QUOTE_NUMBER.search(candidate.text) and invoice_number:
            others = candidate.text.replace(invoice_number, "")  # "quote invoice number 4711", nothing else
            if not any(ch.isdigit() for ch in others):
                return Found(invoice_number, 0.7)  # "please quote the invoice number"
        text = candidate.text.strip(" :")
        if 2 < len(text) <= 140 and any(ch.isdigit() for ch in text):  # a reference, not a request
            return Found(text, 0.75 if candidate.distance < 2 else 0.65)
        if candidate.distance == 0:
            worded.add(candidate.line)
    return None


#: A value that starts with a label of its own ("Credit to: ...") is not the terms.
_ANOTHER_LABEL = re.compile(r"^[^\W\d_][\w .'/-]{0,25}:")


def _find_terms(lines: list[Line]) -> dict[str, Found[object]]:
    """The terms beside their label, else a line that states them on its own ("Net 30")."""
    text, labelled = None, False
    for candidate in labelled_values(lines, TERMS_LABEL):
        value = candidate.text.strip(" :")
        if len(value) > 2 and any(ch.isalnum() for ch in value) and not _ANOTHER_LABEL.match(value):
            text, labelled = terms_sentences(value, labelled=True), True
            break
    if text is None:
        stated = next((line.text for line in lines if len(line.text) < 300 and states_terms(line.text)), None)
        if stated is None:
            return {}
        text = terms_sentences(stated)
    confidence = 0.8 if labelled else 0.7
    terms = read_terms(text, labelled=labelled)
    found: dict[str, Found[object]] = {"payment_terms": Found(text[:300], confidence)}
    values: tuple[tuple[str, object], ...] = (
        ("payment_terms_days", terms.days),
        ("cash_discount_percent", terms.discount_percent),
        ("cash_discount_days", terms.discount_days),
        ("cash_discount_amount", terms.discount_amount),
    )
    for name, figure in values:
        if figure is not None:
            found[name] = Found(figure, confidence)
    return found
