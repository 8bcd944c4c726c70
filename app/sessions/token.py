"""Session tokens: a random session id signed (itsdangerous, HMAC) together with its issue time."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

_SALT = "invoice-session"


@dataclass
class Session:
    id: str
    token: str
    issued_at: datetime
    max_age: int
    #: Whether the response should (re)send the session cookie.
    send_cookie: bool = False

    @property
    def expires_at(self) -> datetime:
        return self.issued_at + timedelta(seconds=self.max_age)

    def seconds_left(self) -> float:
        return max(0.0, (self.expires_at - datetime.now(UTC)).total_seconds())


class TokenSigner:
    def __init__(self, secret_key: str, max_age: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt=_SALT)
        self.max_age = max_age

    def issue(self) -> Session:
        session_id = secrets.token_urlsafe(18)
        token = self._serializer.dumps(session_id)
        _, issued_at = self._serializer.loads(token, return_timestamp=True)
        return Session(id=session_id, token=token, issued_at=issued_at, max_age=self.max_age, send_cookie=True)

    def verify(self, token: str) -> Session | None:
        """The session a token names, or None if it is tampered with, foreign or expired."""
        try:
            session_id, issued_at = self._serializer.loads(token, max_age=self.max_age, return_timestamp=True)
        except BadSignature:  # SignatureExpired is a BadSignature too
            return None
        if not isinstance(session_id, str):
            return None
        return Session(id=session_id, token=token, issued_at=issued_at, max_age=self.max_age)
