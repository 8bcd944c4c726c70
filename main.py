"""Entry point: `uvicorn main:app` or `python main.py` (port from PORT, default 8000)."""

import sys

import uvicorn

from app.config import ConfigError, get_settings
from app.factory import create_app


def serve() -> None:
    try:
        settings = get_settings()
    except ConfigError as exc:
        sys.exit(str(exc))
    uvicorn.run(create_app(settings), host="0.0.0.0", port=settings.port, access_log=False, log_config=None)


if __name__ == "__main__":
    serve()
elif __name__ != "__mp_main__":
    # Parse workers are spawned processes that re-import this file; only real imports build the app.
    app = create_app()
