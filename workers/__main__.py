"""`python -m workers [--burst]`: an RQ worker on the service's queues, with RQ's scheduler, so
retries scheduled with Retry(interval=...) come back. Equivalent to
`rq worker webhooks exports --with-scheduler --url $REDIS_URL`."""

from __future__ import annotations

import argparse
import logging
import sys

from redis import Redis
from rq import Worker

from app.config import ConfigError, get_settings
from app.logs import configure_logging

QUEUES = ("webhooks", "exports")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers", description=__doc__)
    parser.add_argument("--burst", action="store_true", help="stop when the queues are empty")
    parser.add_argument("queues", nargs="*", default=list(QUEUES), help="queues to serve (default: all)")
    arguments = parser.parse_args(argv)
    try:
        settings = get_settings()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not settings.redis_url:
        print("REDIS_URL is not set: without Redis, jobs run inside the web process.", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    connection = Redis.from_url(settings.redis_url)
    worker = Worker(arguments.queues, connection=connection)
    logging.getLogger(__name__).info("worker starting", extra={"queues": arguments.queues})
    worker.work(burst=arguments.burst, with_scheduler=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
