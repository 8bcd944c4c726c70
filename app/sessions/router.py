from fastapi import APIRouter, Request, Response, status

from app.aliases import add_deprecated_aliases
from app.sessions import service
from app.sessions.deps import CookieSettings, CurrentSession, Signer, Store
from app.sessions.schemas import SessionToken

router = APIRouter(tags=["sessions"])


@router.post("/api/v2/sessions", status_code=status.HTTP_201_CREATED, response_model=SessionToken)
async def create_anonymous_session(request: Request, signer: Signer) -> SessionToken:
    """Start a new, empty session. The token also comes as an HttpOnly cookie; scripts can send it
    back as `Authorization: Bearer <token>`."""
    session = service.start_session(signer=signer)
    request.state.session = session
    return SessionToken(token=session.token, expires_at=session.expires_at)


@router.post("/api/v2/sessions/logout", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def logout(request: Request, session: CurrentSession, store: Store, cookies: CookieSettings) -> Response:
    """End the session: its invoices, jobs and webhook deliveries are deleted now and its token
    stops working."""
    await service.end_session(store=store, session=session, hooks=request.app.state.session_end_hooks)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.headers.append("set-cookie", cookies.clear_header())
    return response


add_deprecated_aliases(router)
