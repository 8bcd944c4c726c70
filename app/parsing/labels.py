"""Field labels in the languages the service reads, as compiled patterns."""

from __future__ import annotations

import re


def _any(*alternatives: str) -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(alternatives) + ")", re.I)


INVOICE_NUMBER = _any(
    r"invoice\s*(?:no\.?|number|num\.?|#)",
    r"inv\.?\s*(?:no\.?|#)",
    r"(?:tax\s+)?invoice(?=\s*[:#]?\s*[A-Z0-9-]*\d)",
    r"(?:receipt|credit\s*note|document|bill)\s*(?:no\.?|number|#)",
    r"rechnungs?-?\s*(?:nummer|nr\.?)",
    r"gutschrift(?:s)?-?\s*(?:nummer|nr\.?)",
    r"(?:bon|beleg)-?\s*(?:nummer|nr\.?)",
    r"(?:facture|avoir)\s*n\s*[°º o]\.?",
    r"\bn[°ºo]\.?\s*(?:de\s+)?(?:facture|factura|fattura)",
    r"num[ée]ro\s+de\s+(?:facture|factura)",
    r"factura\s*n[°ºo]\.?",
    r"fattura\s*n(?:\.|°|umero)?",
    r"numero\s+fattura",
    r"(?:factuur|creditnota)\s*(?:nummer|nr\.?)",
    r"faktura\s*(?:vat\s*)?nr\.?",
    r"numer\s+faktury",
    r"faktura(?:nummer|nr\.?)",
    r"fatura\s*n[°ºo]\.?",
    r"发票号码",
    r"請求書?番号|請求No\.?|伝票番号|領収書?番号|レシート番号",
)

INVOICE_DATE = _any(
    r"invoice\s+date|date\s+of\s+issue|issue\s+date|date\s+issued|issued\s+on|tax\s+invoice\s+date",
    r"rechnungsdatum|ausstellungsdatum|belegdatum",
    r"date\s+de\s+(?:la\s+)?factur(?:e|ation)|date\s+d['’]émission",
    r"fecha\s+(?:de\s+)?(?:la\s+)?(?:factura|emisi[oó]n)",
    r"data\s+(?:della\s+)?(?:fattura|emissione)|data\s+documento",
    r"factuurdatum|datum\s+factuur",
    r"data\s+wystawienia|fakturadatum|data\s+(?:da\s+)?(?:fatura|emiss[aã]o)",
    r"开票日期|発行日|請求日",
)

#: Generic "Date"-like labels: a date next to them is the issue date when no specific label is found.
GENERIC_DATE = _any(r"\bdate\b", r"\bdatum\b", r"\bfecha\b", r"\bdata\b", r"日付", r"^\s*le\b")

OTHER_DATE = _any(
    r"due|payable|pay\s+by|order|deliver|ship|supply|service|tax\s+point|period|valid",
    r"fällig|zahlbar|liefer|leistung|bestell|auftrag",
    r"échéance|livraison|commande|prestation",
    r"vencimiento|entrega|pedido|scadenza|consegna|ordine",
    r"vervaldatum|leverdatum|bestel|termin|förfallo|leverans",
    r"支払期限|お支払|納品|期限",
)

TOTAL_STRONG = _any(
    r"grand\s+total|invoice\s+total|total\s+(?:amount|invoice|incl\.?|inc\.?|including|gross|due)",
    r"total\s+(?:\(?[A-Z]{3}\)?\s*)?(?:ttc)",
    r"total\s+ttc|montant\s+ttc|net\s+[àa]\s+payer|montant\s+total",
    r"gesamtbetrag|rechnungsbetrag|endbetrag|bruttobetrag|gesamtsumme|summe\s+brutto|total\s+inkl|gutschriftbetrag|rechnungssumme",
    r"importe\s+total|total\s+factura|totale\s+(?:fattura|documento|complessivo)",
    r"totaal\s+(?:incl|te\s+betalen|bedrag)|totaalbedrag",
    r"razem\s+brutto|do\s+zap[łl]aty|att\s+betala|summa\s+att\s+betala",
    r"价税合计|ご請求金額|請求金額|合計金額|税込合計",
)

TOTAL_PLAIN = _any(
    r"^\s*total\b",
    r"\btotal\s*(?:\(?[A-Z]{3}\)?)?\s*[:$€£¥₹]",
    r"^\s*summe\b",
    r"^\s*totale\b",
    r"^\s*totaal\b",
    r"^\s*合計",
    r"^\s*gesamt\b",
    r"^\s*summa\b",
    r"^\s*razem\b",
)

TOTAL_WEAK = _any(
    r"amount\s+due|balance\s+due|amount\s+payable|total\s+due|to\s+pay",
    r"fälliger\s+betrag|zahlbetrag|zu\s+zahlen",
    r"reste\s+[àa]\s+payer|[àa]\s+payer",
    r"te\s+betalen|da\s+pagare|a\s+pagar",
)

#: A total label with one of these is a net figure (subtotal), never the grand total.
NET_MARKER = _any(
    r"sub\s*-?total|zwischensumme|netto|\bnet\b(?!\s+[àa]\s+payer)|\bht\b|hors\s+tax|excl|exkl|before\s+tax|vor\s+steuer",
    r"合计金额|小計",
)

#: A plain or weak total label with one of these is a tax line or a payment, not the total.
TAX_OR_PAYMENT_MARKER = _any(
    r"\btax\b(?!\s+invoice)|\bvat\b|\bgst\b|mwst|\bust\b|tva|\biva\b|\bbtw\b|steuer|moms",
    r"\bpaid\b|bezahlt|payé|deposit|anzahlung|acompte|合计税额|税額|消費税",
)
