"""Entry point: `python main.py` (port from PORT, default 8000, with the HTTP limits of the settings),
or `uvicorn main:app` (uvicorn's own protocol, without those limits)."""

import sys

import uvicorn

from app.core.settings import ConfigError, get_settings
from app.factory import create_app
from app.http_limits import HttpLimits, protocol_with


def serve() -> None:
    try:
        settings = get_settings()
    except ConfigError as exc:
        sys.exit(str(exc))
    limits = HttpLimits(
        max_header_bytes=settings.http_max_header_bytes,
        max_headers=settings.http_max_headers,
        header_timeout=settings.http_header_timeout_seconds,
        body_idle_timeout=settings.http_body_idle_timeout_seconds,
        body_timeout=settings.http_body_timeout_seconds,
    )
    uvicorn.run(
        create_app(settings),
        host="0.0.0.0",
        port=settings.port,
        access_log=False,
        log_config=None,
        http=protocol_with(limits),
        # h11's own cap on an incomplete head sits above ours, so ours answers (431, not 400)
        h11_max_incomplete_event_size=2 * settings.http_max_header_bytes,
    )


if __name__ == "__main__":
    serve()
elif __name__ != "__mp_main__":
    # Parse workers are spawned processes that re-import this file; only real imports build the app.
    app = create_app()
