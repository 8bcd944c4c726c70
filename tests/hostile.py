"""Hand-built documents for tests: hostile ones for the bad-input tests, and plain text pages."""

from __future__ import annotations

import io
import zlib


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
