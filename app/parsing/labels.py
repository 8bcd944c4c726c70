"""Field labels in the languages the service reads, as compiled patterns."""

from __future__ import annotations

import re


def _any(*alternatives: str) -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(alternatives) + ")", re.I)


INVOICE_NUMBER = _any(
    r"invoice\s*(?:no\.?|number|num\.?|#)",
    r"inv\.?\s*(?:no\.?|#)",
    r"(?:tax\s+)?invoice(?=\s*[:#]?\s*[A-Z0-9-]*\d)",
    # a title followed straight by its number: "Avoir AV-2024-0012", "Rechnung R-1042"
    r"^\s*(?:rechnung|facture|factura|fattura|factuur|faktura|avoir|gutschrift)(?=\s*[:#]?\s*(?=[A-Z0-9/_.-]*\d)[A-Z0-9][A-Z0-9/_.-]{2,}(?:\s|$))",
    r"(?:receipt|credit\s*note|document|bill)\s*(?:no\.?|number|#)",
    r"rechnungs?-?\s*(?:nummer|nr\.?)",
    r"\b(?:rg|re|rech|rechn)\.?\s*-?\s*nr\.?|\bfact\.?\s*n[°º]|\bfakt\.?\s*nr\.?|\binv\.?\s*nr\.?",
    r"gutschrift(?:s)?-?\s*(?:nummer|nr\.?)",
    r"(?:bon|beleg)-?\s*(?:nummer|nr\.?)",
    r"(?:facture|avoir)\s*n\s*[°º o]\.?",
    r"\bn[°ºo]\.?\s*(?:de\s+)?(?:facture|factura|fattura)",
    r"n[úu]m[ée]ro\s+de\s+(?:la\s+)?(?:facture|factura)",
    r"factura\s*n[°ºo]\.?",
    r"fattura\s*n(?:\.|°|umero)?",
    r"numero\s+fattura",
    r"(?:factuur|creditnota)\s*(?:nummer|nr\.?)",
    r"faktura\s*(?:vat\s*)?nr\.?",
    r"numer\s+faktury",
    r"faktura(?:nummer|nr\.?)",
    r"fatura\s*n[°ºo]\.?",
    r"发票号码",
    r"請求書?番号|請求No\.?|伝票番号|領収書?番号|レシート番号|レシート\s*No\.?",
    r"^\s*receipt\s*$|^\s*(?:tax\s+)?invoice\s*$",
)

#: A document title that goes on to its number: "Schlussrechnung Bau (380) Nr.", "Facture n°", "Invoice No.".
TITLE_NUMBER = _any(
    r"^\s*\w*(?:rechnung|invoice|facture|factura|fattura|faktura|gutschrift|avoir)(?:\s+[^\W\d_]+)?\s*(?:\(\w+\)\s*)?"
    r"(?:nr\.?|no\.?|n[°º]\.?|#)",
)

#: An order's own title and date, which number and date an order summary printed in place of an
#: invoice ("Final Details for Order #…", "Order Placed:") when nothing names an invoice.
ORDER_TITLE = _any(
    r"^[^:#]{0,30}?\border\s*(?:#|no\.|number)", r"^\s*(?:bestellung|commande|pedido|ordine)\s*(?:nr\.?|n[°º]\.?|#)"
)
ORDER_DATE = _any(
    r"order\s+(?:placed|date)|date\s+ordered|bestelldatum|date\s+de\s+(?:la\s+)?commande|fecha\s+del\s+pedido",
    r"data\s+(?:dell'|dell’)?ordine",
)

#: A till receipt's transaction number: its number when nothing is labelled as one.
TRANSACTION_NUMBER = _any(r"\b(?:trans(?:action)?|txn)\.?\s*(?:no\.?|number|#)?(?=\s*:?\s*[A-Z0-9-]*\d)")

CREDIT_NOTE_NUMBER = _any(
    r"credit\s*note\s*(?:no\.?|number|#)",
    r"gutschrift(?:s)?-?\s*(?:nummer|nr\.?)",
    r"(?:avoir|note\s+de\s+cr[ée]dit)\s*n\s*[°ºo]\.?",
    r"creditnota\s*(?:nummer|nr\.?)|nota\s+de\s+cr[ée]dito\s*n[°ºo]?|nota\s+di\s+credito\s*n",
)

#: A number label on a line with one of these names another document (the corrected invoice, an order).
REFERENCE_TO_OTHER = _any(
    r"original|zu\s+rechnung|bezug|corrects?|relates?\s+to|r[ée]f[ée]rence\s+facture|betreft\s+factuur",
    r"associ[ée]e|li[ée]e\b|related|preceding|vorhergehend|zugeh[öo]rig",
    r"\border\b|bestell|auftrag|commande|pedido|ordine|bestelling|\bpo\b",
)

DUE_DATE = _any(
    r"due\s+date|date\s+due|payment\s+due|due\s+by|due\s+on|pay\s+by|payable\s+by|^\s*due\b",
    r"fällig(?:keit|\s+am)?|(?:zahlbar|überweisen|zahlen|begleichen)\b[^.]{0,40}?\bbis\b|zahlungsziel|f[äa]lligkeitsdatum",
    r"[ée]ch[ée]ance|date\s+limite|payable\s+(?:avant|le|jusqu)",
    r"vencimiento|fecha\s+de\s+pago|scadenza|vervaldatum|te\s+betalen\s+voor|termin\s+p[łl]atno[śs]ci|f[öo]rfallodatum|vencimento",
    r"支払期限|お支払期限|お支払期日|付款期限",
)

INVOICE_DATE = _any(
    r"invoice\s+date|date\s+of\s+issue|issue\s+date|date\s+issued|issued(?:\s+on)?\b|tax\s+invoice\s+date",
    r"rechnungsdatum|ausstellungsdatum|belegdatum|\b(?:rg|re|rech|rechn)\.?\s*-?\s*datum|\binv\.?\s*date",
    r"date\s+de\s+(?:la\s+)?factur(?:e|ation)|date\s+d['’]émission",
    r"fecha\s+(?:de\s+)?(?:la\s+)?(?:factura|emisi[oó]n)",
    r"data\s+(?:della\s+)?(?:fattura|emissione)|data\s+documento",
    r"factuurdatum|datum\s+factuur",
    r"data\s+wystawienia|fakturadatum|data\s+(?:da\s+)?(?:fatura|emiss[aã]o)",
    r"开票日期|発行日|請求日",
)

#: A document title that goes on to its number and date: "Teilrechnung (875) Nr. 4711 vom",
#: "Facture n° F-12 du", "Invoice 1042 dated".
TITLE_DATE = _any(
    r"^\s*\w*(?:rechnung|invoice|facture|factura|fattura|faktura|gutschrift|avoir|credit\s+note)\b[^:]{0,60}?"
    r"\s(?:vom|von|du|del|dated|of|datiert)\s*$",
    r"^[^\W\d_][^,]{1,30},\s*(?:den|le|el|il)\s*$",  # a letter's place and date: "München, den", "Paris, le"
)

#: Generic "Date"-like labels: a date next to them is the issue date when no specific label is found.
GENERIC_DATE = _any(r"\bdated?\b", r"\bdatum\b", r"\bfecha\b", r"\bdata\b", r"日付", r"^\s*le\b")

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
    r"brutto\s*summe|gesamt\s*brutto",
    r"importe\s+total|total\s+factura|totale\s+(?:fattura|documento|complessivo)",
    r"totaal\s+(?:incl|te\s+betalen|bedrag)|totaalbedrag",
    r"razem\s+brutto|do\s+zap[łl]aty|att\s+betala|summa\s+att\s+betala",
    r"价税合计|ご請求金額|請求金額|合計金額|税込合計",
)

TOTAL_PLAIN = _any(
    r"^\s*total\b",
    r"^\s*brutto\b",
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

#: Amounts a company states about itself, never part of an invoice's summary.
NOT_A_SUMMARY = _any(r"capital|stammkapital|grundkapital|capitale\s+sociale|kapitał\s+zakładowy")

#: A total label with one of these is a net figure (subtotal), never the grand total.
NET_MARKER = _any(
    r"sub\s*-?total|zwischensumme|netto|\bnet\b(?!\s+[àa]\s+payer)|\bht\b|hors\s+tax|excl|exkl|before\s+tax|vor\s+steuer",
    r"\b(?:iva|tva|vat)\s+(?:esclusa|exclu[íi]d[oa]|exclue?)|\b(?:sin|senza|ohne)\s+(?:iva|mwst|ust)\b",
    r"合计金额|小計",
)

#: A plain or weak total label with one of these is a tax line or a payment, not the total.
TAX_OR_PAYMENT_MARKER = _any(
    r"\btax\b(?!\s+invoice)|\bvat\b|\bgst\b|mwst|\bust\b|tva|\biva\b|\bbtw\b|steuer|moms",
    r"\bpaid\b|bezahlt|payé|deposit|anzahlung|acompte|合计税额|税額|消費税",
)

SUBTOTAL = _any(
    r"sub\s*-?total|zwischensumme|summe\s+netto|netto\s*summe|nettobetrag|warenwert|summe\s+(?:der\s+)?positionen",
    r"positions?summe|summe\s+(?:der\s+)?(?:rechnungs)?positionen|line\s+(?:items?\s+)?total|sum\s+of\s+(?:the\s+)?lines",
    r"summe\s+(?:der\s+|aller\s+)?netto\s*betr[äa]ge|sum\s+of\s+(?:all\s+)?invoice\s+line\s+net\s+amounts?",
    r"total\s+(?:hors\s+(?:taxes?|tva)|ht)\b|montant\s+(?:total\s+)?ht\b|total\s+net|net\s+(?:amount|total)",
    r"base\s+imponible|imponibile|totale\s+imponibile|subtotaal|totaal\s+excl|razem\s+netto|warto[śs][ćc]\s+netto",
    r"summa\s+exkl|netto\s+totaal|total\s+exkl|total\s+excl|total\s+before\s+tax|amount\s+before\s+tax",
    r"合计金额|小計|税抜合計|^\s*合\s*计",
)

TAX = _any(
    r"\b(?:vat|tax(?:es)?|gst|hst|qst|pst|cgst|sgst|igst|utgst|cess)\b|\bg\.s\.t\b|\bv\.a\.t\b",
    r"\bmwst\b|\bust\b|umsatzsteuer|mehrwertsteuer|\bmw?st\b|\btva\b|\biva\b|\bbtw\b|\bmoms\b|\bvat\b|\bpdv\b",
    r"steuerbetrag|\bsteuer\b",
    r"税额|税額|消費税|增值税",
)

#: Tax-like words that name something other than an amount of tax.
NOT_TAX_AMOUNT = _any(
    r"tax\s+invoice|tax\s+point|tax\s+id|vat\s+(?:reg|no|number|id)|ust-?id|steuer-?nr|tva\s+intra|n[°o]\s+tva",
    r"\bbase\b|\bincl|\binkl|\bexcl|\bexkl|\bttc\b|hors\s+tax|\bht\b|before\s+tax|sales\s+tax\s+id|registration",
    r"total|summe|gesamt|montant\s+ttc|价税合计|税込|税抜|含税|対象",
)

DISCOUNT = _any(
    r"discount|rabatt|nachlass|remise|r[ée]duction|descuento|sconto|korting|rabat|値引|折扣|%\s*off\b|promo",
    r"abschl[äa]ge\b|allowances?\b",
)

#: A document-level surcharge that is not (or not said to be) freight: it takes part in the
#: arithmetic but is no field of its own.
CHARGE = _any(
    r"zuschl[äa]ge?\b|surcharges?\b|\bcharges?\s+total|total\s+(?:of\s+)?charges|majoration|recargo|^\s*charges?\s*:",
)

#: The tax of all rates together: "Total TVA", "VAT total", "USt. gesamt", "Summe MwSt.".
#: A subtotal of the tax, which is the tax: "Subtotale IVA", "Subtotal VAT".
TAX_SUBTOTAL = _any(
    r"sub\s*-?totale?\s+(?:of\s+|de\s+(?:la\s+)?|dell[a'’]?\s*)?(?:tax|vat|tva|iva|mwst|ust|gst|btw)\b\.?\s*:?\s*$"
)
TAX_TOTAL = _any(
    r"(?:total|summe|gesamt|totale)\s+(?:de\s+la\s+)?(?:tax|vat|tva|iva|mwst|ust|gst|btw|moms|\w*steuer)\b",
    r"\b(?:tax|vat|tva|iva|mwst|ust|gst|btw|moms)\.?\s+(?:total|gesamt|totale)\b",
    # a total whose last word is the tax: "Gesamtbetrag der Rechnungsumsatzsteuer", "Invoice total VAT amount"
    r"^\s*(?:\w+\s+)?(?:gesamt\w*|summe|total)\b(?!.*\b(?:incl|inkl|einschl|with|mit|ttc|without|ohne|excl|exkl|hors|sans|sin|senza|before|net|netto)\b)"
    r".*(?:umsatzsteuer|mehrwertsteuer|\bmwst|\bust|\bvat|\btva|\biva|\btax|\bgst|\bbtw)\b\.?(?:\s+amount)?\s*:?\s*$",
)

#: A total label with one of these states the net amount, however strong its other words
#: ("Rechnungssumme ohne USt.", "Total amount excl. VAT").
NET_EXPLICIT = _any(
    r"ohne\s+(?:ust|mwst|umsatzsteuer|steuer)|excl(?:uding|\.)?\s*(?:vat|tax|gst|mwst|ust|btw)|hors\s+(?:tax|tva)|\bnetto\b",
    r"without\s+(?:vat|tax|gst)",
    r"before\s+tax|sans\s+tva|sin\s+iva|senza\s+iva|exkl(?:usive|\.)?\s*(?:mwst|ust)",
)

SHIPPING = _any(
    r"shipping|freight|delivery\s+(?:charge|fee|cost)|postage|carriage|versand|fracht|porto|lieferkosten|frais\s+de\s+port",
    r"frais\s+de\s+livraison|gastos\s+de\s+env[íi]o|portes|spese\s+di\s+(?:spedizione|trasporto)|verzendkosten|frakt|送料|运费",
    r"^\s*(?:env[íi]o|livraison|spedizione|verzending|wysy[łl]ka|dostawa)\b",
)

PAID = _any(
    r"amount\s+paid|\bpaid\b|deposit|payment\s+received|prepaid|less\s+payment|anzahlung|bereits\s+bezahlt|acompte|d[ée]j[àa]\s+(?:pay|r[ée]gl)",
    r"abono|anticipo|acconto|aanbetaling|betaald|zaliczka|handpenning|tendered|\bcash\b|\bchange\b|r[üu]ckgeld|bar\b|gegeben",
)

ROUNDING = _any(r"round(?:ing|ed)?\s*off|rounding|arrondi|rundung|redondeo|arrotondamento|afronding")

#: The document is a credit note: its amounts are negative even where they are printed without a sign.
CREDIT_NOTE_TITLE = _any(
    r"credit\s*note|gutschrift(?:s?nummer|s?-?nr)?\b|creditnota|\bavoir\b|nota\s+de\s+cr[ée]dito|nota\s+di\s+credito|faktura\s+korygująca",
)

TAX_ID = _any(
    r"\bVAT\s*(?:reg(?:istration)?\.?\s*)?(?:no\.?|number|id)?",
    r"USt\.?-?\s*Id(?:Nr|\.-Nr)?\.?|\bUID(?:-Nr\.?)?|MWST-?Nr\.?|\bMWST\b|Steuernummer|St\.?-?Nr\.?",
    r"(?:N°\s*)?TVA(?:\s+intracom\w*)?|P\.?\s?IVA|Partita\s+IVA|\bIVA\b|\bNIF\b|\bCIF\b|BTW(?:-?(?:nr|nummer|id))?",
    r"\bNIP\b|GSTIN(?:/UIN)?|\bABN\b|GST/HST(?:\s+No\.?)?|G\.?S\.?T\.?\s+(?:reg(?:istration)?\.?\s*)?(?:No\.?|number)?|\bEIN\b|Tax\s+ID",
    r"Momsreg\.?(?:nr)?|Org\.?\s*nr|纳税人识别号|统一社会信用代码|登録番号",
)

BUYER = _any(
    r"bill(?:ed)?\s+to|invoice\s+to|sold\s+to|\bcustomer\b(?!\s+(?:no|number|id|ref))|\bclient\b(?!\s*(?:no|n°|number))",
    r"buyer(?!'s\s+order)|rechnungsempf[äa]nger|rechnung\s+an|\bkunde\b|empf[äa]nger|(?<!ver)k[äa]ufer",
    r"factur[ée]\s+[àa]|destinataire|datos\s+del\s+cliente|facturar\s+a|\bcliente\b(?!\s*n)|spett\.?le|intestatario",
    r"\bklant\b(?!\s*n)|factuur\s+aan|gefactureerd\s+aan|nabywca|\bkund\b|k[öo]pare|购买方|购方",
    r"faktureras\s+till|^\s*till\s*$|factuuradres|^\s*aan\s*$|adresse\s+de\s+facturation|rechnungsadresse",
    r"invoice\s+address|billing\s+address|^\s*to\s*:?\s*$|adresse\s+du\s+client",
    r"indirizzo\s+di\s+fatturazione|direcci[óo]n\s+de\s+facturaci[óo]n|adres\s+(?:do\s+)?faktur|fakturaadress",
)

SELLER = _any(
    r"^\s*from\b|\bseller\b|\bsupplier\b|\bvendor\b|verk[äa]ufer|lieferant\b|[ée]metteur|fournisseur|vendeur",
    r"proveedor|\bemisor\b|leverancier|sprzedawca|s[äa]ljare|cedente|销售方|销方",
    r"^\s*fr[åa]n\s*$|^\s*van\s*$|^\s*von\s*$|^\s*de\s*$",
    r"sold\s+by|verkauft\s+(?:von|durch)|vendido\s+por|venduto\s+da|vendu\s+par|verkocht\s+door|sprzedawane\s+przez",
)

#: A postcode and town line of an address: "8400 Winterthur", "2675 LZ Honselersdijk", "Guildford GU1 3AJ",
#: "Austin, TX 78701", "Mysuru - 570001", "00-950 Warszawa", "114 35 Stockholm".
POSTCODE_LINE = re.compile(
    r"\b\d{4,5}\s+[^\W\d_]|\b\d{4}\s?[A-Z]{2}\b|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b|\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"
    r"|\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b|\b\d{6}\b|\b\d{2}-\d{3}\s+[^\W\d_]|\b\d{3}\s\d{2}\s+[^\W\d_]"
)

SHIP_TO = _any(
    r"ship\s+to|deliver\s+to|consignee|lieferanschrift|livr[ée]\s+[àa]|adresse\s+de\s+livraison|afleveradres"
)

#: Lines in an address block that name a person to address, not the party itself.
ATTENTION = _any(r"^\s*(?:attn|attention|z\.\s*hd|c/o|à\s+l'attention|c\.a\.|t\.a\.v|per\s+conto)")

LEGAL_FORM = re.compile(
    r"(?:GmbH(?:\s*&\s*Co\.?\s*KG)?|GMBH|\bAG\b|\bKG\b|e\.\s?K\.|\bmbB\b|\bLtd\b\.?|\bLTD\b\.?|\bLimited\b|\bLIMITED\b"
    r"|\bLLC\b|\bLLP\b|\bInc\b\.?|\bINC\b\.?|\bS\.\s?[àa]\s?r\.\s?l\.|\bS\.a\.r\.l\."
    r"|\bCorp\b\.?|\bCo\.(?=\s|$)|\bSARL\b|\bSàrl\b|\bSAS\b|\bSA\b|\bS\.A\.|\bS\.L\.|\bS\.r\.l\.|\bS\.p\.A\.|\bS\.n\.c\."
    r"|\bB\.V\.|\bN\.V\.|\bV\.O\.F\.|\bPty\.?\s+Ltd\b|\bPvt\.?\s+Ltd\.?|\bPrivate\s+Limited\b|\bSp\.\s?z\s?o\.o\."
    r"|\bAB\b|\bApS\b|\bOy\b|株式会社|有限会社|有限公司|合同会社)"
)

#: Column headers of an item table, by role.
COLUMN_DESCRIPTION = _any(
    r"description|\bitem\b|product|produkt|produit|prodott|producto|article|art[íi]colo|bezeichnung|beschreibung"
    r"|artikel(?!-?nr)|leistung|d[ée]signation|libell[ée]",
    r"concepto|descripci[óo]n|descrizione|omschrijving|nazwa|beskrivning|项目名称|货物或应税劳务|品名|内容|摘要",
)
COLUMN_QUANTITY = _any(
    r"\bqty\b|quantity|menge|anzahl|qt[ée]|quantit[ée]|\bcant\.?|q\.t[àa]|aantal|ilo[śs][ćc]|antal|数量|\bhours\b"
)
COLUMN_AMOUNT = _any(
    r"amount|\btotal\b|betrag|gesamt|montant|importe|importo|bedrag|warto[śs][ćc]|belopp|金額|金额|summe|line\s+total",
)

#: A tax amount that is already inside the prices (receipts): "VAT 20% included", "内消費税等".
TAX_INCLUDED = _any(
    r"\bincluded\b|\bincl\.?\s*$|\bincl(?:uded|\.)?\s*(?:vat|tax|gst)|\binkl\.?\s*(?:mwst|ust)|enthalten|\binclus[e]?\b|内消費税|うち消費税"
)
