"""The RQ worker of this service (`python -m workers`)."""
