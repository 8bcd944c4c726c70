"""Baidu's VAT invoice OCR (增值税发票识别) as a remote engine for scanned PDFs.

The protocol: an access token from ``/oauth/2.0/token`` (client credentials: the API key and
secret key), then ``POST /rest/2.0/ocr/v1/vat_invoice?access_token=...`` with the PDF in base64 as
a form field. Baidu answers HTTP 200 for its own errors too, with ``error_code`` in the JSON:
throttling (4, 18) and internal errors (1, 2, 282000) are retried with exponential backoff and
jitter, a stale token (110, 111) is fetched again, an exhausted quota (17, 19) or refused
credentials make the service unavailable, and anything else means it could not read the document.

Calls are spaced to at most OCR_QPS_LIMIT per second in this process, and a result is cached by
the document's hash (see cache.py), so the same file is paid for once.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from typing import Any

import httpx2
from aiolimiter import AsyncLimiter
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from app.core import metrics
from app.ocr.cache import ResultCache, document_key

log = logging.getLogger(__name__)

TOKEN_PATH = "/oauth/2.0/token"
VAT_INVOICE_PATH = "/rest/2.0/ocr/v1/vat_invoice"
#: Baidu refuses requests whose base64 document is larger than 4 MB.
MAX_ENCODED_BYTES = 4 * 1024 * 1024
#: A token is renewed this long before Baidu says it expires.
TOKEN_MARGIN_SECONDS = 300.0

_RETRIED_ERRORS = {1, 2, 4, 18, 282000}
_TOKEN_ERRORS = {110, 111}
_QUOTA_ERRORS = {17, 19}
_CREDENTIAL_ERRORS = {6, 13, 14, 15}


class OcrUnavailable(RuntimeError):
    """The OCR service cannot be used now (down or throttled past the retries, quota exhausted,
    credentials refused); the message says which, without any secret."""


class OcrRefused(RuntimeError):
    """The OCR service answered that it cannot read this document."""


class _Transient(Exception):
    """Worth another attempt after a pause."""


class _StaleToken(Exception):
    """The access token was refused; the next attempt fetches a new one."""


class BaiduVatOcr:
    def __init__(
        self,
        *,
        api_key: str,
        secret_key: str,
        base_url: str,
        cache: ResultCache,
        qps_limit: float,
        attempts: int,
        backoff_seconds: float,
        timeout_seconds: float,
    ) -> None:
        self._credentials = {"grant_type": "client_credentials", "client_id": api_key, "client_secret": secret_key}
        # Proxies from the environment are ignored and redirects not followed: the keys and the
        # document go to the configured host only.
        self._client = httpx2.AsyncClient(
            base_url=base_url, timeout=timeout_seconds, trust_env=False, follow_redirects=False
        )
        self._cache = cache
        # One call per 1/qps seconds: no burst that Baidu would throttle.
        self._limiter = AsyncLimiter(1, 1 / qps_limit)
        self._retrying = AsyncRetrying(
            stop=stop_after_attempt(attempts),
            wait=wait_exponential_jitter(multiplier=backoff_seconds, jitter=backoff_seconds, max=backoff_seconds * 32),
            retry=retry_if_exception_type((_Transient, _StaleToken)),
            before_sleep=lambda state: metrics.OCR_CALLS.labels(outcome="retried").inc(),
            reraise=True,
        )
        self._token: str | None = None
        self._token_expires = 0.0
        self._token_lock = asyncio.Lock()

    async def recognise(self, pdf: bytes) -> bytes:
        """Baidu's VAT invoice JSON for the first page of ``pdf`` (from the cache when this file was
        read before)."""
        key = document_key(pdf)
        cached = await self._cache.get(key)
        if cached is not None:
            metrics.OCR_CALLS.labels(outcome="cached").inc()
            return cached
        encoded = base64.b64encode(pdf).decode("ascii")
        if len(encoded) > MAX_ENCODED_BYTES:
            raise OcrRefused("The scanned PDF is larger than the OCR service accepts (about 3 MB); scan it smaller.")
        form = {"pdf_file": encoded, "pdf_file_num": "1"}
        try:
            async for attempt in self._retrying.copy():
                with attempt:
                    result = await self._call(form)
        except (_Transient, _StaleToken) as exc:
            metrics.OCR_CALLS.labels(outcome="unavailable").inc()
            raise OcrUnavailable(f"The OCR service is not answering ({exc}); try again in a few minutes.") from None
        metrics.OCR_CALLS.labels(outcome="ok").inc()
        await self._cache.put(key, result)
        return result

    async def close(self) -> None:
        await self._client.aclose()
        await self._cache.close()

    async def _call(self, form: dict[str, str]) -> bytes:
        token = await self._access_token()
        async with self._limiter:
            response = await self._post(VAT_INVOICE_PATH, params={"access_token": token}, data=form)
        answer = _json(response)
        error = answer.get("error_code")
        if error is None and isinstance(answer.get("words_result"), dict):
            return response.content
        log.info("OCR service error", extra={"error_code": error})
        if error in _TOKEN_ERRORS:
            self._token = None
            raise _StaleToken("access token refused")
        if error in _RETRIED_ERRORS:
            raise _Transient(f"error {error}, throttled or busy")
        if error in _QUOTA_ERRORS:
            raise OcrUnavailable(f"The OCR service's request quota is used up (error {error}); try again tomorrow.")
        if error in _CREDENTIAL_ERRORS:
            raise _credentials_refused()
        metrics.OCR_CALLS.labels(outcome="refused").inc()
        raise OcrRefused(f"The OCR service could not read this document (error {error}).")

    async def _access_token(self) -> str:
        async with self._token_lock:
            if self._token is not None and time.monotonic() < self._token_expires:
                return self._token
            answer = _json(await self._post(TOKEN_PATH, params=self._credentials))
            token, expires_in = answer.get("access_token"), answer.get("expires_in")
            if not isinstance(token, str) or not token:
                raise _credentials_refused()
            lifetime = float(expires_in) if isinstance(expires_in, int | float) else 0.0
            self._token = token
            self._token_expires = time.monotonic() + max(lifetime - TOKEN_MARGIN_SECONDS, lifetime / 2)
            return token

    async def _post(self, path: str, **kwargs: Any) -> httpx2.Response:
        try:
            response = await self._client.post(path, **kwargs)
        except httpx2.TimeoutException:
            raise _Transient("timed out") from None
        except httpx2.TransportError as exc:
            raise _Transient(f"connection failed: {type(exc).__name__}") from None
        if response.status_code == 429 or response.status_code >= 500:
            raise _Transient(f"HTTP {response.status_code}")
        return response


def _json(response: httpx2.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except ValueError:
        raise _Transient(f"HTTP {response.status_code} without a JSON body") from None
    if not isinstance(answer, dict):
        raise _Transient("an answer that is not a JSON object")
    return answer


def _credentials_refused() -> OcrUnavailable:
    metrics.OCR_CALLS.labels(outcome="credentials_refused").inc()
    return OcrUnavailable(
        "The OCR service refused this server's credentials; the operator should check "
        "BAIDU_OCR_API_KEY and BAIDU_OCR_SECRET_KEY."
    )
