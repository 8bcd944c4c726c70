"""Hand-built documents for tests: hostile ones for the bad-input tests, and plain text pages."""

from __future__ import annotations

import io
import zipfile
import zlib

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Invoice><ID>&lol3;</ID></Invoice>"""


def assemble_pdf(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def text_bomb_pdf(repeats: int = 5_000_000) -> bytes:
    """A small PDF whose one compressed content stream expands to millions of text operations:
    ~350 KB on disk, several seconds and gigabytes of memory for a text extractor."""
    content = b"BT /F1 1 Tf " + b"0 0 Td (AAAAAAAAAAAAAAAA) Tj " * repeats + b"ET"
    return _one_page(zlib.compress(content, 9), b"/Filter /FlateDecode")


def _one_page(stream: bytes, filters: bytes = b"") -> bytes:
    """A one-page PDF drawing ``stream`` with Helvetica as /F1."""
    return assemble_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d %s>>\nstream\n" % (len(stream), filters) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        ]
    )


def simple_text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF printing ``lines`` (ASCII) in Helvetica, one under the other."""
    ops = [b"BT /F1 11 Tf 50 780 Td 14 TL"]
    for line in lines:
        escaped = line.encode("ascii").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops.append(b"(" + escaped + b") Tj T*")
    ops.append(b"ET")
    return _one_page(b"\n".join(ops))


def image_bomb_pdf(side: int = 60_000) -> bytes:
    """A page with no text showing one ``side`` x ``side`` black-and-white image: a few hundred KB
    packed, gigabytes for a renderer that decodes it to read the page as a scan."""
    rows = zlib.compress(b"\x00" * (side // 8) * side, 9)
    image = (
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 1 /Filter /FlateDecode /Length %d >>\nstream\n" % (side, side, len(rows))
    )
    draw = b"q 612 0 0 792 0 0 cm /Im1 Do Q"
    return assemble_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream",
            image + rows + b"\nendstream",
        ]
    )


def many_pages_pdf(pages: int = 100_000) -> bytes:
    """``pages`` empty pages sharing one page object's kind: ~4 MB listing far more than any invoice."""
    kids = b" ".join(b"%d 0 R" % (3 + index) for index in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"
    return assemble_pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)]
        + [page] * pages
    )


def deep_xml(depth: int = 200_000) -> bytes:
    """An invoice root holding ``depth`` nested elements (1.6 MB): a recursion bomb for tree walkers."""
    return b"<Invoice>" + b"<a>" * depth + b"</a>" * depth + b"</Invoice>"


def many_lines_cii(lines: int = 50_000) -> bytes:
    """A valid CII invoice with ``lines`` line items (about 19 MB)."""
    ram = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
    item = (
        "<ram:IncludedSupplyChainTradeLineItem><ram:SpecifiedTradeProduct><ram:Name>Screw</ram:Name>"
        "</ram:SpecifiedTradeProduct><ram:SpecifiedLineTradeSettlement>"
        "<ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>1.00</ram:LineTotalAmount>"
        "</ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>"
        "</ram:IncludedSupplyChainTradeLineItem>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" '
        f'xmlns:ram="{ram}" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">'
        "<rsm:ExchangedDocument><ram:ID>BIG-1</ram:ID><ram:TypeCode>380</ram:TypeCode>"
        '<ram:IssueDateTime><udt:DateTimeString format="102">20260401</udt:DateTimeString></ram:IssueDateTime>'
        "</rsm:ExchangedDocument><rsm:SupplyChainTradeTransaction>"
        + item
        * lines
        + "<ram:ApplicableHeaderTradeAgreement><ram:SellerTradeParty><ram:Name>Bolt Supply</ram:Name>"
        "</ram:SellerTradeParty></ram:ApplicableHeaderTradeAgreement>"
        "<ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>"
        "<ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
        f"<ram:GrandTotalAmount>{lines}.00</ram:GrandTotalAmount>"
        "</ram:SpecifiedTradeSettlementHeaderMonetarySummation></ram:ApplicableHeaderTradeSettlement>"
        "</rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>"
    ).encode()


def many_items_ocr(items: int = 120_000) -> bytes:
    """A VAT invoice OCR result (Baidu's JSON) listing ``items`` commodity rows (about 16 MB)."""
    import json

    columns = {
        f"Commodity{key}": [{"row": str(row), "word": word} for row in range(1, items + 1)]
        for key, word in (("Name", "Screw"), ("Num", "1"), ("Price", "1.00"), ("Amount", "1.00"))
    }
    return json.dumps({"words_result": {"InvoiceNum": "1", "AmountInFiguers": f"{items}.00", **columns}}).encode()


def overlapping_zip(entries: int, content: bytes) -> bytes:
    """One deflated document listed ``entries`` times in the central directory, every listing
    pointing at the same data: an archive that claims entries × its size once unpacked. The end
    record's entry count keeps its low 16 bits, as a count past 65,535 would without ZIP64 (zipfile
    lists the directory by its size, not its count)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", content)
    data = buffer.getvalue()
    directory_at = data.rindex(b"PK\x01\x02")
    end_at = data.rindex(b"PK\x05\x06")
    directory = data[directory_at:end_at] * entries
    end = bytearray(data[end_at:])
    end[8:10] = end[10:12] = (entries & 0xFFFF).to_bytes(2, "little")
    end[12:16] = len(directory).to_bytes(4, "little")
    return data[:directory_at] + directory + bytes(end)
