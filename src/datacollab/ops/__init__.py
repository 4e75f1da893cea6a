"""Running the site in production: health and readiness, request ids, JSON logs, the worker's
heartbeat. See docs/operations.md."""
