"""The mail pipeline of `python -m workers` (MAIL_HOST): two workers polling one mailbox deliver
each invoice once, as a signed webhook and an S3 object, and mark its message."""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

import boto3
import pytest
from pydantic import ValidationError

from app.core.settings import Settings
from tests.conftest import WorkerFactory
from tests.delivery.receiver import SECRET, Answer, Receiver
from tests.mail import messages
from tests.mail.conftest import PASSWORD, USER, mail_settings
from tests.mail.dovecot import Dovecot
from tests.mail.test_pull import keywords


def test_two_pipeline_workers_deliver_each_invoice_once(
    mailserver: Dovecot, receiver: Receiver, start_worker: WorkerFactory, s3_settings: dict[str, Any]
) -> None:
    count = 12
    mailserver.deliver(USER, *(messages.one_invoice(number) for number in range(count - 2)), messages.zipped(98, 99))
    mailserver.deliver(USER, messages.tnef())  # no invoice: never marked, never delivered
    receiver.script = [Answer(503)]  # the first delivery fails: its message waits for the next poll
    environment = {
        **{name.upper(): str(value) for name, value in {**mail_settings(mailserver), **s3_settings}.items()},
        "MAIL_HOST": "127.0.0.1",
        "MAIL_PORT": str(mailserver.imaps),
        "MAIL_USERNAME": USER,
        "MAIL_PASSWORD": PASSWORD,
        "MAIL_POLL_SECONDS": "1",
        "MAIL_WEBHOOK_URL": receiver.url,
        "MAIL_S3": "true",
        "WEBHOOK_SECRET": SECRET,
        "WEBHOOK_ALLOWED_HOSTS": receiver.authority,
        "S3_PREFIX": "pipeline-test/",
    }
    for _ in range(2):
        start_worker("mail", **environment)

    delivered = lambda: {r.headers["webhook-id"] for r in receiver.received if r.signature_valid}  # noqa: E731
    deadline = time.monotonic() + 120
    while len(delivered()) < count or len(receiver.received) < count + 1:
        assert time.monotonic() < deadline, (len(receiver.received), len(delivered()))
        time.sleep(0.2)
    time.sleep(3)  # two more polls of each worker: nothing more may arrive

    ids = Counter(request.headers["webhook-id"] for request in receiver.received)
    assert len(ids) == count  # one webhook-id per invoice
    # the refused one was sent again at the next poll, with the same id; so was the other invoice of
    # its message if it came in the ZIP (the message was not marked until both were delivered)
    assert sorted(ids.values())[-2:] in ([1, 2], [2, 2]) and max(ids.values()) == 2
    events = {request.headers["webhook-id"]: request.event for request in receiver.received}
    numbers = sorted(event["data"]["invoice_number"] for event in events.values())
    assert numbers == sorted([f"MAIL-{n:04d}" for n in range(count - 2)] + ["MAIL-0098", "MAIL-0099"])
    assert all(event["type"] == "invoice.parsed" and event["data"]["source"] == "email" for event in events.values())

    marked = keywords(mailserver)
    assert sum(b"$InvoiceImported" in flags for flags in marked.values()) == len(marked) - 1  # all but the TNEF

    s3 = boto3.client("s3", endpoint_url=s3_settings["s3_endpoint_url"], region_name="eu-central-1")
    listed = s3.list_objects_v2(Bucket=s3_settings["s3_bucket"], Prefix="pipeline-test/mail/")
    objects = [
        json.loads(s3.get_object(Bucket=s3_settings["s3_bucket"], Key=item["Key"])["Body"].read())
        for item in listed["Contents"]
    ]
    assert sorted(obj["invoice_number"] for obj in objects) == numbers


@pytest.mark.parametrize(
    ("settings", "refusal"),
    [
        ({"mail_mark": "delete"}, "MAIL_MARK=delete is for POP3"),
        ({"mail_protocol": "pop3", "mail_mark": "keyword"}, "needs MAIL_MARK=delete"),
        ({"mail_webhook_url": None}, "somewhere to deliver to"),
        ({"mail_password": None}, "one of MAIL_PASSWORD or MAIL_ACCESS_TOKEN"),
        ({"mail_mark": "move"}, "needs MAIL_MOVE_TO"),
    ],
)
def test_a_pipeline_that_could_not_work_is_refused_at_start(settings: dict[str, Any], refusal: str) -> None:
    complete: dict[str, Any] = {
        "mail_host": "imap.example.com",
        "mail_username": "ap@example.com",
        "mail_password": "app password",
        "mail_webhook_url": "https://erp.example.com/hook",
        "webhook_secret": SECRET,
    }
    Settings(**complete)
    with pytest.raises(ValidationError, match=refusal):
        Settings(**{**complete, **settings})
