"""Runs the service, with either of:

    python -m {{ name | snake_case }}
    {{ name }}

Environment:

- ``PORT``: port to listen on, on all interfaces (default {{ port }}).
- ``LOG_LEVEL``: debug, info, warn or error (default {{ log_level }}).
{%- if database == 'postgres' %}
- ``DATABASE_URL``: PostgreSQL connection string.
{%- endif %}
{%- if cache == 'redis' %}
- ``REDIS_URL``: Redis connection string.
{%- endif %}

On SIGTERM or Ctrl-C, uvicorn stops accepting connections, lets in-flight
requests finish (for at most ``GRACEFUL_SHUTDOWN_SECONDS``), runs the
application's shutdown, then the process exits 0.
"""

from __future__ import annotations

import logging
import signal
import sys

import uvicorn

from . import __version__
from .app import create_app
from .config import Settings
from .logs import configure_logging

GRACEFUL_SHUTDOWN_SECONDS = 20
"""Longest wait for in-flight requests on shutdown; keep it below the
Kubernetes termination grace period (30 s by default)."""

logger = logging.getLogger(__package__)


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(0)


def main() -> None:
    configure_logging()
    try:
        settings = Settings.from_env()
    except ValueError as e:
        logger.error("invalid configuration", extra={"error": str(e)})
        sys.exit(2)
    logging.getLogger().setLevel(settings.log_level)

    # uvicorn handles SIGTERM and SIGINT itself while it serves; once it has
    # shut down gracefully it re-raises the signal under the handlers that were
    # in place before. These make that, or a signal received before uvicorn
    # started, a clean exit (status 0) rather than a death by signal or a
    # KeyboardInterrupt traceback.
    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGINT, _exit)

    logger.info("starting", extra={"port": settings.port, "version": __version__})
    uvicorn.run(
        create_app(settings),
        host="0.0.0.0",  # all interfaces: the service runs in a container
        port=settings.port,
        log_config=None,  # keep the JSON logging configured above
        access_log=False,  # requests are logged by the application
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )


if __name__ == "__main__":
    main()
