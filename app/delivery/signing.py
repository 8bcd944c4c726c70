"""Standard Webhooks signatures (https://www.standardwebhooks.com): the signed content is
"{webhook-id}.{webhook-timestamp}.{body}", the key is the base64 part of a `whsec_` secret, and
`webhook-signature` is "v1," + base64(HMAC-SHA256)."""

from __future__ import annotations

import base64
import hashlib
import hmac

PREFIX = "whsec_"


class InvalidSecret(ValueError):
    pass


def secret_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_` secret: 24 to 64 bytes, base64-encoded after the prefix."""
    if not secret.startswith(PREFIX):
        raise InvalidSecret("A webhook secret starts with 'whsec_' followed by base64 (Standard Webhooks).")
    try:
        key = base64.b64decode(secret[len(PREFIX) :], validate=True)
    except ValueError:  # binascii.Error, or characters outside ASCII
        raise InvalidSecret("The part after 'whsec_' is not valid base64.") from None
    if not 24 <= len(key) <= 64:
        raise InvalidSecret("A webhook secret holds 24 to 64 random bytes (base64 after 'whsec_').")
    return key


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()
