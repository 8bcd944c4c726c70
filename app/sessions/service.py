"""Session lifecycle rules: starting a fresh session and ending one (logout)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from app.sessions.store import SessionStore
from app.sessions.token import Session, TokenSigner


def start_session(*, signer: TokenSigner) -> Session:
    return signer.issue()


#: What else a session's end deletes, given the session id (its jobs and webhook deliveries:
#: app/factory.py registers them, so that sessions need not know those packages).
SessionEndHook = Callable[[str], Awaitable[None]]


async def end_session(*, store: SessionStore, session: Session, hooks: Sequence[SessionEndHook] = ()) -> None:
    """Purge the session's data now, and what the hooks hold of it; its token is refused for the
    rest of its lifetime. A session issued for this very request (a logout sent without a token)
    has nothing to end: revoking it would only add an entry per request to the revocation list."""
    fresh, session.send_cookie = session.send_cookie, False
    if fresh:
        return
    await store.purge(session.id, revoke_for=session.seconds_left() + 1)
    for hook in hooks:
        await hook(session.id)
