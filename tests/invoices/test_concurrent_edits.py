"""Requests that change the same invoice at once: every change is kept, none overwrites another.

Each request reads the invoice, changes it and writes it back; under Redis the reads and writes
of several requests interleave, and a reprocess reads before a parse that takes seconds. The
store writes only over the record a change was made to, and the change is made again otherwise.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any, cast

from app.invoices import service
from app.invoices.inputs import Inputs, pack
from app.invoices.parser import DocumentParser
from app.invoices.schemas import Invoice
from app.parsing import ExtractedInvoice
from app.sessions.redis_store import RedisStore
from app.sessions.store import MemoryStore, SessionStore
from app.sessions.token import TokenSigner
from app.tracking import service as tracking
from tests.conftest import TEST_SECRET_KEY

FIELDS = ("vendor", "buyer", "invoice_number", "vendor_address", "buyer_tax_id", "vendor_tax_id")


async def _kept_invoice(store: SessionStore, session_id: str) -> Invoice:
    invoice = Invoice(
        input_format="pdf_text", id="inv_1", status="parsed", source="upload", parsed_timestamp=datetime.now(UTC)
    )
    record = invoice.model_dump_json(by_alias=True)
    await store.save(session_id, invoice.id, record, pack(Inputs(b"%PDF-1.4", None)), ttl=600)
    return invoice


def test_concurrent_corrections_and_a_status_change_are_all_kept(redis_url: str) -> None:
    async def scenario() -> Invoice:
        store = RedisStore(redis_url, max_sessions=10, max_session_bytes=10**6)
        session = TokenSigner(TEST_SECRET_KEY, max_age=600).issue()
        invoice = await _kept_invoice(store, session.id)
        edits: list[Any] = [
            service.correct_field(store=store, session=session, invoice_id=invoice.id, field=field, value=f"{field} 1")
            for field in FIELDS
        ]
        edits.append(tracking.update_status(store=store, session=session, invoice_id=invoice.id, status="sent"))
        await asyncio.gather(*edits)
        final = await service.get_invoice(store=store, session=session, invoice_id=invoice.id)
        await store.close()
        return final

    final = asyncio.run(scenario())
    assert {field: getattr(final, field) for field in FIELDS} == {field: f"{field} 1" for field in FIELDS}
    assert sorted(correction.field for correction in final.corrections) == sorted(FIELDS)
    assert final.tracking_status == "sent"


class _GatedParser:
    """A parser whose reading ends when the test says: the seconds a real parse of a scan takes."""

    def __init__(self) -> None:
        self.started, self.finish = asyncio.Event(), asyncio.Event()

    async def parse(self, data: bytes | None, *, ocr: bytes | None = None) -> tuple[ExtractedInvoice, float]:
        self.started.set()
        await self.finish.wait()
        return ExtractedInvoice(input_format="pdf_text", vendor="Read again Ltd"), 1.0


def test_a_correction_made_while_a_reprocess_parses_is_kept() -> None:
    async def scenario() -> Invoice:
        store = MemoryStore(max_sessions=10, max_session_bytes=10**6, max_total_bytes=10**7, sweep_seconds=60)
        session = TokenSigner(TEST_SECRET_KEY, max_age=600).issue()
        invoice = await _kept_invoice(store, session.id)
        parser = _GatedParser()
        reprocess = asyncio.create_task(
            service.reprocess_invoice(
                parser=cast(DocumentParser, parser), store=store, session=session, invoice_id=invoice.id
            )
        )
        await parser.started.wait()
        await service.correct_field(store=store, session=session, invoice_id=invoice.id, field="buyer", value="Kept")
        await tracking.update_status(store=store, session=session, invoice_id=invoice.id, status="sent")
        parser.finish.set()
        return await reprocess

    renewed = asyncio.run(scenario())
    assert (renewed.vendor, renewed.buyer, renewed.tracking_status) == ("Read again Ltd", "Kept", "sent")
    assert [correction.field for correction in renewed.corrections] == ["buyer"]
