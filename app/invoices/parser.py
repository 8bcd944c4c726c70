"""The configured way to parse one document: the parse pool, the page limit and the OCR engines,
with the core's refusals turned into the API's errors. Built once per app (see factory.py)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from app.core import metrics
from app.core import redis as redis_client
from app.core.errors import AppError
from app.core.pool import ParsePool
from app.core.settings import Settings
from app.ocr.baidu import BaiduVatOcr, OcrRefused, OcrUnavailable
from app.ocr.cache import MemoryResultCache, RedisResultCache, ResultCache
from app.ocr.images import scan_to_pdf
from app.ocr.scanned import OcrEngine, check_engine, parse_remote_result, parse_with_ocr
from app.parsing import DocumentError, ExtractedInvoice
from app.parsing.errors import ArchiveNotDocument, ScannedDocumentNeedsOcr
from app.parsing.messages import document_kind
from app.parsing.warmup import warm_up

log = logging.getLogger(__name__)


_BULK_HINT = (
    "The file is a ZIP archive (or a ZIP-based office document such as .docx), not one invoice PDF or XML. "
    "Send ZIP archives of invoices to POST /api/v2/invoices/bulk, which parses every invoice inside."
)


@dataclass
class DocumentParser:
    pool: ParsePool
    max_pages: int
    engine: OcrEngine
    remote_ocr: BaiduVatOcr | None = None
    _ocr_loaded: bool = field(default=False, init=False, repr=False)

    async def ocr_loads(self) -> bool:
        """Whether the local OCR engines can be used, checked in a parse worker (which loads, and so
        warms, its engine) until the check once succeeds: an engine that loaded stays installed."""
        if not self._ocr_loaded:
            try:
                await self.pool.run(check_engine, self.engine)
            except (AppError, RuntimeError) as exc:  # not installed, failing to load, or the pool down
                log.warning("OCR engine unusable", extra={"engine": self.engine.description, "error": str(exc)})
                return False
            self._ocr_loaded = True
        return True

    async def as_document(self, data: bytes) -> bytes:
        """A scan sent as an image (JPEG, PNG, TIFF) as the scanned PDF that is read and kept in
        its place (app/ocr/images.py); any other document as it is."""
        if document_kind(data) != "image":
            return data
        try:
            return await self.pool.run(scan_to_pdf, data, max_pages=self.max_pages)
        except DocumentError as exc:
            raise _refused(exc, data, part="file") from None

    async def parse(self, data: bytes | None, *, ocr: bytes | None) -> tuple[ExtractedInvoice, float]:
        """The parse and its time in milliseconds, or the AppError a refused document gets (naming
        the part at fault)."""
        started = time.perf_counter()
        try:
            extracted = await self._extract(data, ocr=ocr)
        except DocumentError as exc:
            part = "ocr" if exc.code == "invalid_ocr" or data is None else "file"
            raise _refused(exc, data or ocr, part=part) from None
        except AppError as exc:
            metrics.DOCUMENTS.labels(outcome=exc.code).inc()
            raise
        return extracted, round((time.perf_counter() - started) * 1000, 1)

    async def _extract(self, data: bytes | None, *, ocr: bytes | None) -> ExtractedInvoice:
        """The core's parse in the pool; a scan it cannot read goes to the remote OCR service
        (called from here, where its token, rate limit and cache are shared) and its answer back
        to the pool."""
        try:
            return await self.pool.run(parse_with_ocr, data, ocr=ocr, max_pages=self.max_pages, engine=self.engine)
        except ScannedDocumentNeedsOcr:
            if self.remote_ocr is None or data is None:
                raise
        try:
            result = await self.remote_ocr.recognise(data)
        except OcrUnavailable as exc:
            raise AppError("ocr_unavailable", str(exc), field="file", headers={"Retry-After": "60"}) from None
        except OcrRefused as exc:
            raise ScannedDocumentNeedsOcr(f"{exc} Send OCR output in the 'ocr' part.") from None
        return await self.pool.run(parse_remote_result, data, result, max_pages=self.max_pages)


def build_parser(settings: Settings) -> DocumentParser:
    """The parser the settings describe; its pool is started by whoever runs it (the app's
    lifespan, or a worker pulling mail)."""
    pool = ParsePool(
        workers=settings.parse_workers,
        timeout_seconds=settings.parse_timeout_seconds,
        memory_mb=settings.parse_memory_mb,
        log_level=settings.log_level,
        warm_up=warm_up,  # each worker reads a small invoice first (readiness waits for it)
    )
    return DocumentParser(
        pool=pool,
        max_pages=settings.max_pages,
        engine=OcrEngine(settings.ocr_engine, settings.ocr_languages),
        remote_ocr=_remote_ocr(settings),
    )


def _remote_ocr(settings: Settings) -> BaiduVatOcr | None:
    """Baidu's VAT invoice OCR when OCR_ENGINE=baidu (settings guarantee its keys are set)."""
    if settings.ocr_engine != "baidu" or not settings.baidu_ocr_api_key or not settings.baidu_ocr_secret_key:
        return None
    cache: ResultCache
    if settings.redis_url:
        cache = RedisResultCache(
            redis_client.connect_async(settings.redis_url),
            ttl_seconds=settings.ocr_cache_ttl_seconds,
            prefix="ocr:baidu:",
        )
    else:
        cache = MemoryResultCache(
            ttl_seconds=settings.ocr_cache_ttl_seconds, max_entries=settings.ocr_cache_max_entries
        )
    return BaiduVatOcr(
        api_key=settings.baidu_ocr_api_key.get_secret_value(),
        secret_key=settings.baidu_ocr_secret_key.get_secret_value(),
        base_url=settings.baidu_ocr_url,
        cache=cache,
        qps_limit=settings.ocr_qps_limit,
        attempts=settings.ocr_max_attempts,
        backoff_seconds=settings.ocr_backoff_seconds,
        timeout_seconds=settings.ocr_timeout_seconds,
    )


def _refused(exc: DocumentError, data: bytes | None, *, part: str) -> AppError:
    """The API's error for a document the core refused, counted and logged (by code and size)."""
    metrics.DOCUMENTS.labels(outcome=exc.code).inc()
    log.info("document refused", extra={"code": exc.code, "bytes": len(data or b"")})
    message = _BULK_HINT if isinstance(exc, ArchiveNotDocument) else exc.message
    return AppError(exc.code, message, field=part)
