"""`python -m workers [--burst] [--metrics-port N] [queues]`: an RQ worker on the service's queues,
with RQ's scheduler, so retries scheduled with Retry(interval=...) come back. Serving the `mail`
queue (or with MAIL_HOST set, the mail pipeline) it also runs a parse pool for the mail it reads.

It is RQ's SimpleWorker: jobs run in the worker process itself, one at a time, instead of in a
process forked for each. The service's jobs are network calls and workbook building, which need
no sandbox of their own (a job past its timeout is still stopped by RQ's alarm), and so the
modules are imported once, not per job, and the job counters live in the process that serves
them at ``--metrics-port``. For `webhooks` and `exports`, equivalent: `rq worker -w
rq.worker.SimpleWorker webhooks exports --with-scheduler --url $REDIS_URL` (the forking `rq worker`
runs the same jobs too, but its per-job processes keep their counts to themselves); mail jobs need
this worker, which provides their parser and session store.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import threading
import time
from functools import partial

from prometheus_client import start_http_server
from redis import Redis
from redis.exceptions import RedisError
from rq import SimpleWorker

from app.core import redis as redis_client
from app.core.logs import configure_logging
from app.core.settings import ConfigError, Settings, get_settings
from app.delivery import s3
from app.jobs import runner
from app.jobs.backends import QUEUES
from app.jobs.private import PrivateJobData
from app.mail import jobs as mail_jobs
from app.mail import pipeline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers", description=__doc__)
    parser.add_argument("--burst", action="store_true", help="stop when the queues are empty")
    parser.add_argument(
        "--metrics-port", type=int, default=None, help="serve Prometheus metrics here (default WORKER_METRICS_PORT)"
    )
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
    log = logging.getLogger(__name__)
    metrics_port = settings.worker_metrics_port if arguments.metrics_port is None else arguments.metrics_port
    if metrics_port:
        try:
            start_http_server(metrics_port, addr=settings.worker_metrics_host)
        except (OSError, OverflowError) as exc:  # taken, not permitted or out of range
            print(f"Cannot serve metrics on port {metrics_port}: {exc}", file=sys.stderr)
            return 2
    connection = redis_client.connect(settings.redis_url, answer_timeout=None)  # RQ's wait for a job lasts minutes
    # jobs' private data is sealed with SECRET_KEY: the worker must be given the app's
    runner.open_private_data(PrivateJobData(connection, settings.signing_key()))
    if settings.enable_s3 and settings.s3_bucket:
        _report_s3_reach(connection, settings)
    worker = SimpleWorker(arguments.queues, connection=connection)
    log.info("worker starting", extra={"queues": arguments.queues, "metrics_port": metrics_port or None})
    with contextlib.ExitStack() as stack:
        if "mail" in arguments.queues or settings.mail_host:  # mail is parsed here, into the sessions' store
            services = stack.enter_context(mail_jobs.worker_services(settings))
            runner.provide_services(services)
        if settings.mail_host:
            _poll_mailbox(settings, services, connection, stack)
        worker.work(burst=arguments.burst, with_scheduler=True)
    return 0


def _poll_mailbox(
    settings: Settings, services: mail_jobs.MailServices, connection: Redis, stack: contextlib.ExitStack
) -> None:
    """The mail pipeline (MAIL_HOST), in a thread beside the worker, stopped with it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=pipeline.run, args=(settings, services, connection, stop), name="mail-pipeline", daemon=True
    )
    thread.start()
    stack.callback(thread.join, 30)
    stack.callback(stop.set)
    logging.getLogger(__name__).info("mail pipeline polling", extra={"every_seconds": settings.mail_poll_seconds})


def _report_s3_reach(connection: Redis, settings: Settings) -> None:
    """Tell the app's readiness, now and every WORKER_REPORT_SECONDS, whether this worker reaches
    the export bucket (the app cannot know: it does not upload)."""
    report = partial(
        s3.report_worker_reach,
        connection,
        bucket=str(settings.s3_bucket),
        region=settings.s3_region,
        endpoint_url=settings.s3_endpoint_url,
    )

    def loop() -> None:
        while True:
            with contextlib.suppress(RedisError):
                report()
            time.sleep(s3.WORKER_REPORT_SECONDS)

    threading.Thread(target=loop, name="s3-reach", daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
