"""Service info, liveness and readiness, and Prometheus metrics."""
