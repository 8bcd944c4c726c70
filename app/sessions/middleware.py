"""Resolves the caller's session for every /api request and sends its cookie when it is new.

A pure ASGI middleware, so the cookie reaches every response (JSON, streamed files, errors) and
upload bodies stream through untouched.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.sessions.store import SessionStore
from app.sessions.token import Session, TokenSigner

COOKIE_NAME = "session"


class CookiePolicy:
    def __init__(self, *, secure: bool, domain: str | None) -> None:
        self.secure = secure
        self.domain = domain

    def _cookie(self, value: str, max_age: int) -> str:
        cookie: SimpleCookie = SimpleCookie()
        cookie[COOKIE_NAME] = value
        morsel = cookie[COOKIE_NAME]
        morsel["path"] = "/"
        morsel["httponly"] = True
        morsel["samesite"] = "Lax"
        morsel["max-age"] = max_age
        if self.secure:
            morsel["secure"] = True
        if self.domain:
            morsel["domain"] = self.domain
        return morsel.OutputString()

    def set_header(self, session: Session) -> str:
        return self._cookie(session.token, int(session.seconds_left()))

    def clear_header(self) -> str:
        return self._cookie("", 0)


def _presented_token(connection: HTTPConnection) -> str | None:
    authorization = connection.headers.get("authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return connection.cookies.get(COOKIE_NAME)


class SessionMiddleware:
    def __init__(self, app: ASGIApp, *, signer: TokenSigner, store: SessionStore, cookies: CookiePolicy) -> None:
        self.app = app
        self.signer = signer
        self.store = store
        self.cookies = cookies

    async def resolve(self, connection: HTTPConnection) -> Session:
        token = _presented_token(connection)
        session = self.signer.verify(token) if token else None
        if session is None or await self.store.is_revoked(session.id):
            return self.signer.issue()
        return session

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        session = await self.resolve(HTTPConnection(scope))
        scope.setdefault("state", {})["session"] = session

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                current: Session = scope["state"]["session"]
                if current.send_cookie:
                    MutableHeaders(scope=message).append("set-cookie", self.cookies.set_header(current))
            await send(message)

        await self.app(scope, receive, send_with_cookie)
