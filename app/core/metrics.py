"""Prometheus metrics of the service (exposed at /metrics)."""

from collections.abc import Callable, Iterator

from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

HTTP_REQUESTS = Counter(
    "http_requests_total", "HTTP requests served, by route template and status.", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds", "HTTP request latency, by route template.", ["method", "route"]
)
PARSE_DURATION = Histogram(
    "parse_duration_seconds",
    "Time from handing a document to the parse pool to its answer, by outcome.",
    ["outcome"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
DOCUMENTS = Counter(
    "documents_total", "Documents received, by outcome (parsed, needs_review or an error code).", ["outcome"]
)
OCR_CALLS = Counter(
    "ocr_calls_total",
    "Remote OCR service calls, by outcome (ok, cached, retried, refused, unavailable, credentials_refused).",
    ["outcome"],
)
JOB_EVENTS = Counter(
    "jobs_total",
    "Background job events by job kind: queued (web process), started, retried, finished, failed "
    "(wherever the job runs: the web process without Redis, `python -m workers` with it).",
    ["kind", "event"],
)
DELIVERY_LATENCY = Histogram(
    "webhook_delivery_latency_seconds",
    "Time from a webhook being asked for to its successful delivery, retries included.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 86400),
)
SESSIONS_HELD_LOCALLY = Gauge(
    "session_store_fallback",
    "1 while Redis cannot be reached and this instance keeps new session data in its own memory.",
)


class JobBacklog(Collector):
    """``jobs_backlog{queue, state}``, read from the job backend at each scrape, so every instance
    (and a worker) sees the same figures under RQ."""

    def __init__(self, count: Callable[[], dict[tuple[str, str], int]]) -> None:
        self._count = count

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "jobs_backlog",
            "Jobs not done with, by queue and state: waiting, retrying (waiting for their next attempt), "
            "running, failed (kept for their result time).",
            labels=["queue", "state"],
        )
        for (queue, state), count in sorted(self._count().items()):
            family.add_metric([queue, state], count)
        yield family
