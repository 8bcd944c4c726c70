"""Standard Webhooks signatures (https://www.standardwebhooks.com): the signed content is
"{webhook-id}.{webhook-timestamp}.{body}", the key is the base64 part of a `whsec_` secret, and
`webhook-signature` is "v1," + base64(HMAC-SHA256)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from app.core.settings import webhook_signing_key


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(webhook_signing_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()
