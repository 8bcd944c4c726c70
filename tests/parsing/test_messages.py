"""The documents an e-mail carries, read from messages as real mail clients write them."""

from __future__ import annotations

import base64
import io
import zipfile
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from app.parsing.messages import document_kind, read_message
from tests.hostile import simple_text_pdf

PDF = simple_text_pdf(["ACME Ltd", "Invoice No: 7", "Total: 10.00 EUR"])
LIMIT = 1024 * 1024


def _message(subject: str = "Invoice 7") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Accounts <accounts@acme.example>"
    message["To"] = "ap@buyer.example"
    message["Subject"] = subject
    message["Date"] = "Tue, 01 Dec 2026 10:00:00 +0100"
    message["Message-ID"] = "<m1@acme.example>"
    message.set_content("Please find our invoice attached.")
    return message


def test_an_attached_pdf_with_the_message_s_headers() -> None:
    message = _message()
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="invoice-7.pdf")
    found = read_message(message.as_bytes(), max_part_bytes=LIMIT)
    assert [(a.file_name, a.kind, a.data) for a in found.attachments] == [("invoice-7.pdf", "pdf", PDF)]
    assert (found.sender, found.subject, found.message_id) == (
        "Accounts <accounts@acme.example>",
        "Invoice 7",
        "<m1@acme.example>",
    )
    assert found.date == "2026-12-01T10:00:00+01:00" and found.skipped == []


def test_encoded_names_and_subjects_of_every_kind() -> None:
    message = _message(subject="发票 2026年12月")  # written as RFC 2047 by the library
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename=("utf-8", "", "Rechnung März.pdf"))
    message.add_attachment(PDF, maintype="application", subtype="octet-stream", filename="发票.pdf")
    found = read_message(message.as_bytes(), max_part_bytes=LIMIT)
    assert found.subject == "发票 2026年12月"
    assert [a.file_name for a in found.attachments] == ["Rechnung März.pdf", "发票.pdf"]

    # a Chinese mail client sending the name and subject as raw GB18030 bytes, its charset undeclared
    gbk = (
        b"From: a@b.example\r\nSubject: " + "发票 十一月".encode("gb18030") + b"\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n'
        b"--B\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="'
        + "增值税发票.pdf".encode("gb18030")
        + b'"\r\n\r\n'
        + base64.encodebytes(PDF)
        + b"--B--\r\n"
    )
    chinese = read_message(gbk, max_part_bytes=LIMIT)
    assert [a.file_name for a in chinese.attachments] == ["增值税发票.pdf"] and chinese.subject == "发票 十一月"


def test_a_forwarded_message_and_an_inline_pdf_without_a_name() -> None:
    inner = _message(subject="Original invoice")
    inner.add_attachment(PDF, maintype="application", subtype="pdf", filename="inner.pdf")
    outer = _message(subject="Fwd: Original invoice")
    outer.add_attachment(inner)  # message/rfc822
    inline = MIMEApplication(PDF, "pdf")  # no file name, no disposition
    outer.attach(inline)
    found = read_message(outer.as_bytes(), max_part_bytes=LIMIT)
    names = [a.file_name for a in found.attachments]
    assert names[0] == "inner.pdf" and names[1].endswith(".pdf") and len(names) == 2


def test_logos_and_texts_are_no_documents_but_attached_images_and_xml_are() -> None:
    message = _message()
    message.add_attachment(b"\x89PNG\r\n\x1a\n" + b"0" * 100, maintype="image", subtype="png", disposition="inline")
    message.add_attachment(b"\x89PNG\r\n\x1a\n" + b"1" * 100, maintype="image", subtype="png", filename="scan.png")
    message.add_attachment(b"<Invoice/>", maintype="application", subtype="xml", filename="invoice.xml")
    message.add_attachment(b"-----BEGIN PGP SIGNATURE-----", maintype="application", subtype="pgp-signature")
    kinds = [(a.file_name, a.kind) for a in read_message(message.as_bytes(), max_part_bytes=LIMIT).attachments]
    assert kinds == [("scan.png", "image"), ("invoice.xml", "xml")]


def test_what_cannot_be_read_is_skipped_with_a_reason() -> None:
    message = _message()
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="small.pdf")
    message.add_attachment(PDF + b"x" * 2000, maintype="application", subtype="pdf", filename="big.pdf")
    message.add_attachment(b"\x78\x9f\x3e\x22", maintype="application", subtype="ms-tnef", filename="winmail.dat")
    message.add_attachment(b"0\x80\x06", maintype="application", subtype="pkcs7-mime", filename="smime.p7m")
    found = read_message(message.as_bytes(), max_part_bytes=len(PDF) + 100)
    assert [a.file_name for a in found.attachments] == ["small.pdf"]
    assert [(s.file_name, s.code) for s in found.skipped] == [
        ("big.pdf", "file_too_large"),
        ("winmail.dat", "tnef_attachment"),
        ("smime.p7m", "encrypted_message"),
    ]


def test_a_forwarded_message_encoded_as_a_whole_is_read() -> None:
    """RFC 2046 forbids base64 on message/rfc822; some mailers use it anyway."""
    inner = _message(subject="Original invoice")
    inner.add_attachment(PDF, maintype="application", subtype="pdf", filename="inner.pdf")
    outer = _message(subject="Fwd")
    part = EmailMessage()
    part.set_content(inner.as_bytes(), maintype="message", subtype="rfc822", cte="base64")  # type: ignore[call-arg]
    outer.make_mixed()
    outer.attach(part)
    assert [a.file_name for a in read_message(outer.as_bytes(), max_part_bytes=LIMIT).attachments] == ["inner.pdf"]


def test_a_signed_message_is_read_for_its_content() -> None:
    signed = MIMEMultipart("signed", protocol="application/pkcs7-signature", micalg="sha-256")
    content = MIMEMultipart()
    content.attach(MIMEText("Invoice attached."))
    content.attach(MIMEApplication(PDF, "pdf", Name="signed.pdf"))
    content.get_payload()[1].add_header("Content-Disposition", "attachment", filename="signed.pdf")
    signed.attach(content)
    signed.attach(MIMEApplication(b"0\x82\x01", "pkcs7-signature", Name="smime.p7s"))
    found = read_message(signed.as_bytes(), max_part_bytes=LIMIT)
    assert [a.file_name for a in found.attachments] == ["signed.pdf"] and found.skipped == []


def test_a_broken_message_is_skipped_whole() -> None:
    broken = (
        b"From: a@b.example\r\nSubject: broken\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="NEVER"\r\n\r\nno boundary ever starts here\r\n'
    )
    found = read_message(broken, max_part_bytes=LIMIT)
    assert found.attachments == [] and [s.code for s in found.skipped] == ["malformed_message"]
    assert found.subject == "broken"


def test_a_zip_that_stores_a_pdf_is_a_zip() -> None:
    """A stored (uncompressed) ZIP shows its PDF's signature within its first bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("invoice.pdf", PDF)
    assert document_kind(buffer.getvalue()) == "zip"
    assert document_kind(b"\r\n" + PDF) == "pdf"  # junk before the header, as some mailers send
