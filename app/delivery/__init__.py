"""Delivery to other systems: signed webhooks and S3 exports, run as background jobs."""
