"""Background work by name: RQ queues when REDIS_URL is set, an in-process executor otherwise."""
