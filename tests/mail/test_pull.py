"""Pulling a mailbox into a session, through HTTP, against a real Dovecot (jobs in process)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.invoices.archives import BulkLimits
from app.mail.connection import Account, Reach
from app.mail.imap import ImapMailbox
from app.mail.imap import _body_parts as imap_body_parts
from app.mail.imap import _Unreadable as Unreadable
from app.mail.mailbox import Marking, Selection
from app.ocr.scanned import installed_engines
from tests.conftest import ROOT, finished, need
from tests.mail import messages
from tests.mail.conftest import PASSWORD, UMLAUT_PASSWORD, UMLAUT_USER, USER
from tests.mail.dovecot import Dovecot
from tests.ocr.pages import NUMBER, TOTAL, scanned_image


def pull(client: TestClient, server: Dovecot, **options: Any) -> dict[str, Any]:
    """Start a pull (IMAPS unless told otherwise) and wait for its job to end."""
    body = {"host": "127.0.0.1", "port": server.imaps, "username": USER, "password": PASSWORD, **options}
    body = {name: value for name, value in body.items() if value is not None}
    accepted = client.post("/api/v2/mail/pull", json=body)
    assert accepted.status_code == 202, accepted.json()
    return finished(client, accepted.json()["status_url"])


def invoices(client: TestClient) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get("/api/v2/invoices?limit=500").json()["items"]
    return found


def keywords(server: Dovecot, folder: str = "INBOX") -> dict[int, set[bytes]]:
    with server.client(USER) as imap:
        imap.select_folder(folder, readonly=True)
        uids = imap.search("ALL")
        return {uid: set(flags) for uid, flags in imap.get_flags(uids).items()}


def test_messy_mail_is_read_and_each_message_marked_once_its_invoices_are_kept(
    mail_app: Callable[..., TestClient], mailserver: Dovecot
) -> None:
    mailserver.deliver(
        USER,
        messages.with_attachments(
            "Rechnung März", ("Rechnung März 2026.pdf", messages.invoice_pdf(1), "application/pdf")
        ),  # an RFC 2231 name
        messages.gb18030_named(2),
        messages.forwarded(messages.forwarded(messages.one_invoice(3)), encoded=True),
        messages.inline_unnamed(4),
        messages.signed(5),
        messages.zipped(6, 7),
        messages.tnef(),
        messages.broken(8),
        b"From: friend@example.org\r\nSubject: lunch?\r\n\r\nNo attachments here.\r\n",
    )
    client = mail_app()
    job = pull(client, mailserver)
    assert job["status"] == "finished", job
    report = job["result"]
    assert report["messages_total"] == report["messages_scanned"] == 9
    assert report["invoices_parsed"] == 7 and len(report["invoice_ids"]) == 7, report["errors"]
    assert report["messages_marked"] == 6  # each message that gave invoices, none of the others
    assert sorted(error["code"] for error in report["errors"]) == ["malformed_message", "tnef_attachment"]
    assert all(set(error) == {"message", "received", "attachment", "code", "reason"} for error in report["errors"])

    kept = {invoice["invoice_number"]: invoice for invoice in invoices(client)}
    assert set(kept) == {f"MAIL-{number:04d}" for number in range(1, 8)}
    assert all(invoice["source"] == "email" and invoice["total_amount"] for invoice in kept.values())
    first = kept["MAIL-0001"]["email"]
    assert first["from"] == "ACME Accounts <ar@acme.example>" and first["subject"] == "Rechnung März"
    assert first["attachment"] == "Rechnung März 2026.pdf" and first["date"] == "2026-11-02T09:30:00+01:00"
    assert first["message_id"].endswith("@acme.example>")
    assert kept["MAIL-0002"]["email"]["subject"] == "发票 十一月"
    assert kept["MAIL-0002"]["email"]["attachment"] == "增值税发票.pdf"
    assert kept["MAIL-0003"]["email"]["subject"] == "Fwd: invoice"  # the message it arrived in
    assert kept["MAIL-0006"]["email"]["attachment"] == "march/invoice-6.pdf"

    marked = keywords(mailserver)
    assert sum(b"$InvoiceImported" in flags for flags in marked.values()) == 6
    assert not any(b"\\Seen" in flags for flags in marked.values())  # reading marks nothing as read

    again = pull(client, mailserver)["result"]  # the marked ones are not even searched for
    assert (again["messages_total"], again["invoices_parsed"], again["duplicates"]) == (3, 0, 0)
    assert len(invoices(client)) == 7


def test_a_message_read_again_adds_nothing_and_progress_is_shown(
    mail_app: Callable[..., TestClient], mailserver: Dovecot
) -> None:
    mailserver.deliver(USER, *(messages.one_invoice(number) for number in range(3)))
    client = mail_app()
    first = pull(client, mailserver, mark="none")
    assert first["result"]["invoices_parsed"] == 3 and first["progress"] == first["result"]
    second = pull(client, mailserver, mark="none")["result"]
    assert (second["messages_total"], second["invoices_parsed"], second["duplicates"]) == (3, 0, 3)
    assert len(invoices(client)) == 3
    assert keywords(mailserver) and not any(keywords(mailserver).values())


def test_unseen_since_and_how_many(mail_app: Callable[..., TestClient], mailserver: Dovecot) -> None:
    mailserver.deliver(USER, messages.one_invoice(1), flags=(b"\\Seen",))
    mailserver.deliver(USER, *(messages.one_invoice(number) for number in range(2, 6)))
    client = mail_app()
    assert pull(client, mailserver, since="2999-01-01")["result"]["messages_total"] == 0  # received today
    assert pull(client, mailserver, max_messages=2)["result"]["invoices_parsed"] == 2
    assert pull(client, mailserver)["result"]["invoices_parsed"] == 2  # the other unseen two
    assert pull(client, mailserver, unseen_only=False)["result"]["invoices_parsed"] == 1  # the read one
    assert sorted(invoice["invoice_number"] for invoice in invoices(client)) == [f"MAIL-{n:04d}" for n in range(1, 6)]


def test_moving_imported_messages_to_a_folder(mail_app: Callable[..., TestClient], mailserver: Dovecot) -> None:
    mailserver.deliver(USER, messages.one_invoice(1), messages.tnef())
    mailserver.deliver(USER, b"From: a@b.example\r\nSubject: x\r\n\r\nx\r\n", folder="Imported")
    client = mail_app()
    job = pull(client, mailserver, mark="move", move_to="Imported")
    assert job["result"]["messages_marked"] == 1
    assert len(keywords(mailserver, "INBOX")) == 1 and len(keywords(mailserver, "Imported")) == 2

    missing = pull(client, mailserver, mark="move", move_to="Nowhere")
    assert (missing["status"], missing["error_code"], missing["attempts"]) == ("failed", "mail_folder_not_found", 1)


def test_starttls_and_oauth2(mail_app: Callable[..., TestClient], mailserver: Dovecot) -> None:
    mailserver.deliver(USER, messages.one_invoice(1), messages.one_invoice(2))
    mailserver.tokens["ya29.test-token"] = USER
    client = mail_app()
    plain_port = pull(client, mailserver, port=mailserver.imap, security="starttls", max_messages=1)
    assert plain_port["result"]["invoices_parsed"] == 1
    token = pull(client, mailserver, password=None, access_token="ya29.test-token")
    assert token["result"]["invoices_parsed"] == 1
    refused = pull(client, mailserver, password=None, access_token="ya29.expired")
    assert (refused["status"], refused["error_code"]) == ("failed", "mail_login_failed")
    assert "access token" in refused["error"]


def test_pop3_leaves_or_deletes(mail_app: Callable[..., TestClient], mailserver: Dovecot) -> None:
    mailserver.deliver(USER, messages.one_invoice(1), messages.zipped(2, 3), messages.tnef())
    client = mail_app()
    pop3 = {"protocol": "pop3", "port": mailserver.pop3s}
    left = pull(client, mailserver, **pop3)["result"]
    assert (left["messages_total"], left["invoices_parsed"]) == (3, 3)
    assert len(keywords(mailserver)) == 3  # POP3's default: leave them on the server
    again = pull(client, mailserver, protocol="pop3", port=mailserver.pop3, security="starttls", mark="delete")[
        "result"
    ]
    assert (again["invoices_parsed"], again["duplicates"], again["messages_marked"]) == (0, 3, 2)
    assert len(keywords(mailserver)) == 1  # the Outlook message stays: it gave no invoice

    mailserver.tokens["pop-token"] = USER
    mailserver.deliver(USER, messages.one_invoice(4))
    by_token = pull(client, mailserver, **pop3, password=None, access_token="pop-token")["result"]
    assert by_token["invoices_parsed"] == 1


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"password": "wrong"}, "mail_login_failed"),
        ({"folder": "Invoices"}, "mail_folder_not_found"),
        ({"security": "tls", "port": "imap"}, "mail_tls_failed"),  # TLS spoken to a plain-text port
        ({"protocol": "pop3", "port": "pop3s", "password": "wrong"}, "mail_login_failed"),
    ],
    ids=["wrong-password", "missing-folder", "no-tls-there", "pop3-wrong-password"],
)
def test_failures_a_person_can_act_on_and_no_retry(
    mail_app: Callable[..., TestClient],
    mailserver: Dovecot,
    caplog: pytest.LogCaptureFixture,
    options: dict[str, Any],
    code: str,
) -> None:
    if isinstance(options.get("port"), str):
        options = {**options, "port": getattr(mailserver, options["port"])}
    client = mail_app(mail_retry_schedule="1")
    with caplog.at_level(logging.DEBUG):
        job = pull(client, mailserver, **options)
    assert (job["status"], job["error_code"], job["attempts"]) == ("failed", code, 1)
    assert job["error"] and PASSWORD not in str(job) and "wrong" not in job["error"]
    assert PASSWORD not in caplog.text and "wrong" not in caplog.text.replace("wrong_", "")


def test_an_untrusted_certificate_is_refused(mail_app: Callable[..., TestClient], mailserver: Dovecot) -> None:
    client = mail_app(mail_ca_file=None)
    job = pull(client, mailserver)
    assert (job["status"], job["error_code"]) == ("failed", "mail_tls_failed")
    assert "MAIL_CA_FILE" in job["error"]


def test_a_server_that_does_not_answer_is_tried_again(mail_app: Callable[..., TestClient], mailserver: Dovecot) -> None:
    from tests.conftest import free_port

    silent = free_port()
    client = mail_app(mail_retry_schedule="1", mail_allowed_hosts=f"127.0.0.1:{silent}")
    job = pull(client, mailserver, port=silent)
    assert (job["status"], job["error_code"], job["attempts"]) == ("failed", "mail_unreachable", 2)


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"host": "10.1.2.3"}, 422, "mail_host_refused", "host"),
        ({"host": "127.0.0.1", "port": 25}, 422, "mail_host_refused", "host"),  # allowed host, other port
        ({"host": "no-such-host.invalid"}, 422, "mail_host_unknown", "host"),
        ({"host": "127.0.0.1", "security": "plain"}, 422, "mail_plaintext_refused", "security"),
        ({"host": "127.0.0.1", "access_token": "t"}, 422, "validation_error", None),  # and a password
        ({"host": "127.0.0.1", "protocol": "pop3", "mark": "keyword"}, 422, "validation_error", None),
        ({"host": "127.0.0.1", "mark": "move"}, 422, "validation_error", None),
        ({"host": "127.0.0.1", "max_messages": 100_000}, 422, "validation_error", "max_messages"),
        ({"host": "127.0.0.1", "folder": "INBOX\r\nA1 DELETE INBOX"}, 422, "validation_error", "folder"),
    ],
    ids=["private", "port", "unknown", "plaintext", "two-secrets", "pop3-keyword", "move-where", "many", "injection"],
)
def test_requests_refused_before_any_job(
    mail_app: Callable[..., TestClient], body: dict[str, Any], status: int, code: str, field: str | None
) -> None:
    client = mail_app()
    response = client.post("/api/v2/mail/pull", json={"username": USER, "password": PASSWORD, **body})
    assert response.status_code == status, response.json()
    error = response.json()["error"]
    assert (error["code"], error.get("field")) == (code, field)
    assert PASSWORD not in response.text


def test_plain_text_only_where_the_operator_allows_it(mail_app: Callable[..., TestClient], mailserver: Dovecot) -> None:
    mailserver.deliver(USER, messages.one_invoice(1))
    client = mail_app(mail_allow_plaintext=True)
    assert pull(client, mailserver, port=mailserver.imap, security="plain")["result"]["invoices_parsed"] == 1


def test_the_service_says_it_reads_mailboxes(mail_app: Callable[..., TestClient]) -> None:
    assert mail_app().get("/").json()["features"]["imap"] is True


def test_a_scan_attached_as_an_image_is_read_through_ocr(
    mail_app: Callable[..., TestClient], mailserver: Dovecot
) -> None:
    need("tesseract" in installed_engines(), "tesseract-ocr (bash scripts/install-system-packages)")
    photo = scanned_image("JPEG")
    png = messages.with_attachments("Scan 2", ("scan.png", scanned_image("PNG"), "image/png"))
    mailserver.deliver(USER, messages.with_attachments("Scan", ("IMG_2041.jpg", photo, "image/jpeg")), png)
    client = mail_app(ocr_engine="tesseract", ocr_languages="eng")
    report = pull(client, mailserver)["result"]
    assert report["invoices_parsed"] == 2  # an attached image is a scan (inline ones are logos: not read)
    read = {invoice["email"]["attachment"]: invoice for invoice in invoices(client)}
    assert read["IMG_2041.jpg"]["input_format"] == "pdf_scanned"
    assert read["IMG_2041.jpg"]["invoice_number"] == NUMBER and read["IMG_2041.jpg"]["total_amount"] == TOTAL


def test_an_attachment_over_the_limit_is_skipped_without_being_downloaded(
    mail_app: Callable[..., TestClient], mailserver: Dovecot
) -> None:
    large = messages.invoice_pdf(2) + b"%" + bytes(range(256)) * 1200 + b"\n"  # 300 KB
    mailserver.deliver(
        USER,
        messages.with_attachments(
            "Two", ("small.pdf", messages.invoice_pdf(1), "application/pdf"), ("large.pdf", large, "application/pdf")
        ),
        messages.with_attachments("Large alone", ("large.pdf", large + b"%2\n", "application/pdf")),
    )
    client = mail_app(max_upload_bytes=100_000)
    for protocol, port in (("imap", mailserver.imaps), ("pop3", mailserver.pop3s)):
        report = pull(client, mailserver, protocol=protocol, port=port, mark=None)["result"]
        codes = [error["code"] for error in report["errors"]]
        assert codes == ["file_too_large"] * 2, (protocol, report["errors"])
        assert report["messages_marked"] == (1 if protocol == "imap" else 0)  # POP3 cannot fetch a part alone
    assert [invoice["invoice_number"] for invoice in invoices(client)] == ["MAIL-0001"]


def test_what_real_servers_and_mailers_send_that_once_broke_a_pull(
    mail_app: Callable[..., TestClient], mailserver: Dovecot
) -> None:
    """A 5,000-byte line (POP3 refused lines over 2,048 bytes), an XML e-invoice attached as
    text/plain, and a password only AUTHENTICATE PLAIN can carry."""
    long_line = messages.with_attachments(
        "Long", ("invoice-1.pdf", messages.invoice_pdf(1), "application/pdf")
    ).replace(b"Please find our invoice attached.", b"<p>" + b"x" * 5000 + b"</p>")
    xml = (ROOT / "tests" / "samples" / "ubl_invoice.xml").read_bytes()
    as_text = messages.with_attachments("XML", ("invoice.xml", xml, "text/plain"))
    mailserver.deliver(USER, long_line, as_text)
    client = mail_app()
    imap = pull(client, mailserver, mark="none")["result"]
    pop3 = pull(client, mailserver, protocol="pop3", port=mailserver.pop3s)["result"]
    assert (imap["invoices_parsed"], imap["errors"]) == (2, [])
    assert (pop3["duplicates"], pop3["errors"]) == (2, [])

    mailserver.empty(UMLAUT_USER)
    mailserver.deliver(UMLAUT_USER, messages.one_invoice(5))
    umlaut = pull(client, mailserver, username=UMLAUT_USER, password=UMLAUT_PASSWORD)
    assert umlaut["status"] == "finished" and umlaut["result"]["invoices_parsed"] == 1
    wrong = pull(client, mailserver, username=UMLAUT_USER, password="Grüße aus Bonn")
    assert (wrong["status"], wrong["error_code"]) == ("failed", "mail_login_failed")
    assert "Bonn" not in str(wrong)


def test_a_refused_pop3_token_is_a_login_failure(mail_app: Callable[..., TestClient], mailserver: Dovecot) -> None:
    job = pull(mail_app(), mailserver, protocol="pop3", port=mailserver.pop3s, password=None, access_token="nope")
    assert (job["status"], job["error_code"], job["attempts"]) == ("failed", "mail_login_failed", 1)


def test_a_message_marked_after_the_search_is_not_read_again(mailserver: Dovecot) -> None:
    """Another worker may mark a message between this one's search and its fetch."""
    mailserver.deliver(USER, messages.one_invoice(1), messages.one_invoice(2))
    account = Account("imap", "127.0.0.1", mailserver.imaps, "tls", USER, PASSWORD)
    reach = Reach(frozenset({f"127.0.0.1:{mailserver.imaps}"}), ca_file=str(mailserver.ca_file))
    marking = Marking("keyword")
    with ImapMailbox.connect(account, reach, marking) as mailbox:
        first, second = mailbox.find(Selection(), marking)
        with mailserver.client(USER) as other:
            other.select_folder("INBOX")
            other.add_flags([int(first)], [b"$InvoiceImported"])
            other.delete_messages([int(second)])  # a move that broke off after its copy
        limits = BulkLimits(max_files=10, max_bytes=10**7, max_file_bytes=10**6, max_entries=10, max_ratio=100)
        assert mailbox.fetch(first, limits).raw is None and mailbox.fetch(second, limits).raw is None
        assert mailbox.find(Selection(), marking) == []


def test_outlines_no_server_should_send_make_the_message_unreadable_not_the_pull() -> None:
    for outline in [(), (b"text",), [(b"message", b"rfc822", None, None, None, b"7bit")], None]:
        with pytest.raises(Unreadable):
            list(imap_body_parts(outline))
