"""gunicorn's settings for datacollab (`gunicorn --config deploy/gunicorn.conf.py`).

Sized from the environment so one image fits every machine; see docs/operations.md
("Sizing the app processes"). Command-line flags still win (the stack test adds `--bind`).
"""

import os

wsgi_app = "datacollab.config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# One worker per core, 4 threads each: once a rows request cost about 1 ms of CPU, 2 x 4
# served 1.1 to 1.2 times what 3 x 4 did on 2 cores, with a lower p99 (docs/benchmarks.md,
# "Issue 12, third round"). WEB_CONCURRENCY is the name gunicorn and most platforms use.
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 2)
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# gunicorn's gthread worker, but draining its kept-alive connections when it stops (recycled
# after max_requests, a reload) rather than leaving them unread, to be reset at its exit:
# a client's POST sent on one meanwhile was lost (datacollab/ops/gunicorn_worker.py).
worker_class = "datacollab.ops.gunicorn_worker.ThreadWorker"
# Import the app once in the master, so workers fork warm and a broken release fails at once.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter), bounding slow memory growth.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# The app writes one access line per request itself (with its request id): gunicorn's own
# access log stays off; its error log goes to standard error.
accesslog = None
errorlog = "-"
# gunicorn's own lines (start, worker restarts, timeouts) in the app's format, once each; its
# access lines off (logconfig_dict would turn them on).
_json = os.environ.get("DATACOLLAB_LOG_FORMAT", "") == "json" or (
    os.environ.get("DATACOLLAB_LOG_FORMAT", "") == ""
    and os.environ.get("DATACOLLAB_ENV", "") == "production"
)
if _json:
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": "WARNING", "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "formatters": {"json": {"()": "datacollab.ops.log_format.JsonFormatter"}},
    }
# Behind a proxy on the same host or network: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):  # gunicorn calls it with the arbiter
    """Import every view once in the master (the URLconf loads lazily, about ten seconds of
    imports on a small machine), so forked workers answer their first request at once and a
    broken route stops the release here. Before the master installs its SIGCHLD handler: some
    imports run short-lived programs (ctypes looking for libraries) that it would otherwise
    reap and log as workers exiting with code 1."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - evaluated for its imports
    if os.environ.get("DATASETS_STORAGE", "").strip().lower() == "s3":
        # botocore's description of S3, parsed once here rather than in each worker.
        from datacollab.datasets.s3_storage import warm

        warm()
