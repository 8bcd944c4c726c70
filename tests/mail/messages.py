"""E-mails as real mail clients send them, for the mailbox tests: each carries invoices that are
told apart by their number (so no two are the same file)."""

from __future__ import annotations

import base64
import email
import email.policy
import io
import zipfile
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from tests.hostile import simple_text_pdf


def invoice_pdf(number: int) -> bytes:
    return simple_text_pdf(
        [
            "ACME Supplies Ltd",
            f"Invoice No: MAIL-{number:04d}",
            "Invoice Date: 2026-11-02",
            "Subtotal: 100.00 EUR",
            "VAT 19%: 19.00 EUR",
            f"Total: {119 + number}.00 EUR",
        ]
    )


def with_attachments(subject: str, *attachments: tuple[str, bytes, str], sender: str = "ar@acme.example") -> bytes:
    """A message with a text body and ``attachments`` (file name, bytes, media type)."""
    message = EmailMessage()
    message["From"] = f"ACME Accounts <{sender}>"
    message["To"] = "ap@buyer.example"
    message["Subject"] = subject
    message["Date"] = "Mon, 02 Nov 2026 09:30:00 +0100"
    message["Message-ID"] = f"<{abs(hash((subject, attachments)))}@acme.example>"
    message.set_content("Please find our invoice attached.")
    for name, data, media_type in attachments:
        maintype, subtype = media_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def one_invoice(number: int) -> bytes:
    return with_attachments(
        f"Invoice MAIL-{number:04d}", (f"invoice-{number}.pdf", invoice_pdf(number), "application/pdf")
    )


def forwarded(inner: bytes, *, encoded: bool = False) -> bytes:
    """A message forwarded as an attachment (message/rfc822); ``encoded``: base64-encoded as a
    whole, as some mailers do against the rules."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "colleague@buyer.example", "ap@buyer.example", "Fwd: invoice"
    message.set_content("Forwarding this one.")
    if encoded:
        message.add_attachment(inner, maintype="message", subtype="rfc822")  # type: ignore[call-overload]
    else:
        message.add_attachment(email.message_from_bytes(inner, policy=email.policy.default))
    return message.as_bytes()


def gb18030_named(number: int) -> bytes:
    """A Chinese mail client's message: subject and file name as raw GB18030 bytes, undeclared."""
    return (
        b"From: fapiao@vendor.example\r\nTo: ap@buyer.example\r\nSubject: "
        + "发票 十一月".encode("gb18030")
        + b'\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n--B\r\nContent-Type: application/octet-stream\r\n"
        b'Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="'
        + "增值税发票.pdf".encode("gb18030")
        + b'"\r\n\r\n'
        + base64.encodebytes(invoice_pdf(number))
        + b"--B--\r\n"
    )


def inline_unnamed(number: int) -> bytes:
    """A PDF inline, with no file name, sent as application/octet-stream."""
    outer = MIMEMultipart()
    outer["From"], outer["Subject"] = "scanner@office.example", "Scan"
    outer.attach(MIMEText("scanned"))
    part = MIMEApplication(invoice_pdf(number), "octet-stream")
    part.add_header("Content-Disposition", "inline")
    outer.attach(part)
    return outer.as_bytes()


def signed(number: int) -> bytes:
    """An S/MIME-signed message: the content, then a signature the service does not need."""
    content = MIMEMultipart()
    content.attach(MIMEText("signed invoice"))
    content.attach(MIMEApplication(invoice_pdf(number), "pdf", Name=f"signed-{number}.pdf"))
    content.get_payload()[1].add_header("Content-Disposition", "attachment", filename=f"signed-{number}.pdf")
    outer = MIMEMultipart("signed", protocol="application/pkcs7-signature", micalg="sha-256")
    outer["From"], outer["Subject"] = "secure@vendor.example", "Signed invoice"
    outer.attach(content)
    outer.attach(MIMEApplication(b"\x30\x82\x01\x00 not a real signature", "pkcs7-signature", Name="smime.p7s"))
    return outer.as_bytes()


def zipped(*numbers: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in numbers:
            archive.writestr(f"march/invoice-{number}.pdf", invoice_pdf(number))
    return with_attachments("Invoices March", ("march.zip", buffer.getvalue(), "application/zip"))


def tnef() -> bytes:
    return with_attachments("Outlook", ("winmail.dat", b"\x78\x9f\x3e\x22" + b"\x00" * 64, "application/ms-tnef"))


def broken(number: int) -> bytes:
    """A multipart message whose boundary never comes: an invoice (of a realistic size) is in it,
    but not as a part."""
    document = invoice_pdf(number) + b"%" + b"0" * 40_000 + b"\n"
    return (
        b"From: a@b.example\r\nSubject: broken\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="NEVER"\r\n\r\n--NEVR\r\nContent-Type: application/pdf\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(document) + b"--NEVR--\r\n"
    )
