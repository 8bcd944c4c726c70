"""Session lifecycle rules: starting a fresh session and ending one (logout)."""

from __future__ import annotations

from app.sessions.store import SessionStore
from app.sessions.token import Session, TokenSigner


def start_session(*, signer: TokenSigner) -> Session:
    return signer.issue()


async def end_session(*, store: SessionStore, session: Session) -> None:
    """Purge the session's data now; its token is refused for the rest of its lifetime."""
    session.send_cookie = False
    await store.purge(session.id, revoke_for=session.seconds_left() + 1)
