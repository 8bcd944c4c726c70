"""Accuracy of the payment fields on the e-invoice corpus, against each invoice's own XML.

    python -m bench.payment [--misses]

The corpus's truth files hold no payment fields, but its XML does (BG-16/BG-17, BT-83, BT-13):
this reads them with its own small reader (every element by local name, independent of the
service's XML code) from the bare XML, from the XML a Factur-X PDF embeds (taken out with pypdf),
and, for a ``pdf_text`` document, from the Factur-X document of its group. On ``pdf_text`` a value
is scored only where the page prints it (as the corpus does for the other fields). Per field:
``right`` of the truth's values came back, and ``wrong`` values came back that the XML does not
state (a wrong account is worse than none), except those a QR code on the page states.
"""

from __future__ import annotations

import argparse
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import pypdf
from defusedxml.ElementTree import fromstring

from app.parsing import DocumentError, parse_document
from app.parsing.pdf import read_text
from bench.corpus import Entry, entries

FIELDS = ("iban", "bic", "account_holder", "payment_reference", "purchase_order")


def _local(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _children(element: Element | None, name: str) -> Iterator[Element]:
    return (child for child in (element if element is not None else []) if _local(child) == name)


def _first(root: Element, *path: str) -> str | None:
    """The text of the first element reached by the local names of ``path``, anywhere below root."""
    for start in root.iter():
        if _local(start) != path[0]:
            continue
        nodes = [start]
        for name in path[1:]:
            nodes = [child for node in nodes for child in _children(node, name)]
        for node in nodes:
            if node.text and node.text.strip():
                return node.text.strip()
    return None


def xml_truth(xml: bytes) -> dict[str, str]:
    """The payment fields an e-invoice's XML states (CII or UBL)."""
    root = fromstring(xml.lstrip(b"\xef\xbb\xbf").lstrip())
    if _local(root) in ("CrossIndustryInvoice", "CrossIndustryDocument"):
        found = {
            "iban": _first(root, "PayeePartyCreditorFinancialAccount", "IBANID"),
            "bic": _first(root, "PayeeSpecifiedCreditorFinancialInstitution", "BICID"),
            "account_holder": _first(root, "PayeePartyCreditorFinancialAccount", "AccountName"),
            "payment_reference": _first(root, "ApplicableHeaderTradeSettlement", "PaymentReference"),
            "purchase_order": _first(root, "BuyerOrderReferencedDocument", "IssuerAssignedID"),
        }
    else:
        account = _first(root, "PaymentMeans", "PayeeFinancialAccount", "ID")
        iban_like = account is not None and re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}", re.sub(r"\s", "", account))
        found = {
            "iban": account if iban_like else None,
            "bic": _first(root, "PayeeFinancialAccount", "FinancialInstitutionBranch", "ID"),
            "account_holder": _first(root, "PaymentMeans", "PayeeFinancialAccount", "Name"),
            "payment_reference": _first(root, "PaymentMeans", "PaymentID"),
            "purchase_order": _first(root, "OrderReference", "ID"),
        }
    return {name: value for name, value in found.items() if value}


def embedded(pdf: bytes) -> bytes | None:
    """The XML a Factur-X/ZUGFeRD PDF carries, read with pypdf."""
    attachments = pypdf.PdfReader(io.BytesIO(pdf)).attachments
    for name, contents in attachments.items():
        if name.lower().endswith(".xml") and contents:
            return contents[0]
    return None


def _same(name: str, got: object, want: str) -> bool:
    if got is None:
        return False
    if name in ("iban", "bic"):
        return re.sub(r"\s", "", str(got)).upper() == re.sub(r"\s", "", want).upper()
    return " ".join(str(got).split()).casefold() == " ".join(want.split()).casefold()


def _printed(value: str, page_text: str) -> bool:
    squeeze = re.compile(r"\s")
    return squeeze.sub("", value).casefold() in squeeze.sub("", page_text).casefold()


@dataclass
class Score:
    entry: str
    input_format: str
    source: str
    right: dict[str, bool] = field(default_factory=dict)  # field -> right, for truth values
    wrong: list[str] = field(default_factory=list)  # fields given a value the XML does not state
    misses: list[str] = field(default_factory=list)


def _xml_of(entry: Entry, by_group: dict[str, Entry]) -> bytes | None:
    data = entry.path.read_bytes()
    if entry.input_format == "xml":
        return data
    if entry.input_format == "facturx":
        return embedded(data)
    twin = by_group.get(entry.group or "")
    return embedded(twin.path.read_bytes()) if twin is not None else None


def score(job: tuple[Entry, bytes | None]) -> Score:
    entry, xml = job
    result = Score(entry.name, entry.input_format, entry.source)
    if xml is None:
        return result
    truth = xml_truth(xml)
    data = entry.path.read_bytes()
    try:
        invoice = parse_document(data)
    except DocumentError:
        return result
    if entry.input_format == "pdf_text":
        page = "\n".join(line.text for line in read_text(data, max_pages=50).lines)
        truth = {name: value for name, value in truth.items() if _printed(value, page)}
    from_codes = {name for code in invoice.codes for name in code.fields}  # exact, whatever the XML omits
    for name in FIELDS:
        got = getattr(invoice, name)
        if name in truth:
            result.right[name] = _same(name, got, truth[name])
            if not result.right[name]:
                result.misses.append(f"{name}: got {got!s:.40} want {truth[name]:.40}")
        elif got is not None and name not in from_codes:
            result.wrong.append(name)
            result.misses.append(f"{name}: got {got!s:.40}, the XML states none")
    return result


def run(*, show_misses: bool, jobs: int = 2) -> None:
    chosen = entries(corpus="einvoice")
    by_group = {entry.group: entry for entry in chosen if entry.input_format == "facturx" and entry.group}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(score, [(entry, _xml_of(entry, by_group)) for entry in chosen], chunksize=4))
    print("=== payment fields on the e-invoice corpus (truth: each invoice's XML)")
    print(f"  {'format':10s} {'field':18s} {'right':>11s} {'wrong':>6s}")
    by_format: dict[str, list[Score]] = defaultdict(list)
    for result in results:
        by_format[result.input_format].append(result)
    for input_format, group in sorted(by_format.items()):
        for name in FIELDS:
            oks = [r.right[name] for r in group if name in r.right]
            wrong = sum(name in r.wrong for r in group)
            share = f"{100 * sum(oks) / len(oks):5.1f}%" if oks else "    -"
            print(f"  {input_format:10s} {name:18s} {sum(oks):3d}/{len(oks):<3d} {share} {wrong:6d}")
    print("  per source (hand-written rules, nothing fitted: the nearest to an unseen-layout figure):")
    by_source: dict[tuple[str, str], list[Score]] = defaultdict(list)
    for result in results:
        by_source[(result.input_format, result.source)].append(result)
    for (input_format, source), group in sorted(by_source.items()):
        oks = [ok for r in group for ok in r.right.values()]
        wrong = sum(len(r.wrong) for r in group)
        share = f"{100 * sum(oks) / len(oks):5.1f}%" if oks else "    -"
        print(f"  {input_format:10s} {source:28.28s} {sum(oks):3d}/{len(oks):<3d} {share} {wrong:6d}")
    if show_misses:
        for result in results:
            for miss in result.misses:
                print(f"  {result.entry:44.44s} {miss}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every wrong or missed value")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    run(show_misses=args.misses, jobs=args.jobs)


if __name__ == "__main__":
    main()
