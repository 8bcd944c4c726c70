"""Hand-written PDFs for layout tests: one page, one font, text placed exactly as a small report
engine would place it."""

from __future__ import annotations

#: A TrueType font that is neither embedded nor described: no /Widths, no /FontBBox, zero ascent.
POOR_METRICS_FONT = (
    b"<< /Type /Font /Subtype /TrueType /BaseFont /ReportSans /Encoding /WinAnsiEncoding"
    b" /FontDescriptor 6 0 R /ToUnicode 7 0 R >>"
)
POOR_METRICS_DESCRIPTOR = (
    b"<< /Type /FontDescriptor /FontName /ReportSans /Flags 32 /ItalicAngle 0"
    b" /Ascent 0 /Descent 0 /CapHeight 0 /StemV 0 >>"
)
#: Byte 0x01 of the font is a telephone emoji (U+1F4DE), beyond the BMP as letterheads print it.
EMOJI_TO_UNICODE = (
    b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Report-UCS def /CMapType 2 def\n"
    b"1 begincodespacerange <00> <FF> endcodespacerange\n"
    b"1 beginbfchar <01> <D83DDCDE> endbfchar\n"
    b"endcmap CMapName currentdict /CMap defineresource pop end end"
)


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def poor_metrics_pdf(lines: list[tuple[float, float, bytes]]) -> bytes:
    """A one-page A4 PDF showing each (x, y, text) in the poor-metrics font at 10 pt."""
    content = b"\n".join(b"BT /F1 10 Tf %.1f %.1f Td (%s) Tj ET" % (x, y, text) for x, y, text in lines)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        _stream(content),
        POOR_METRICS_FONT,
        POOR_METRICS_DESCRIPTOR,
        _stream(EMOJI_TO_UNICODE),
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
