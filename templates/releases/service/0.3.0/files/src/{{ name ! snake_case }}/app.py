"""The HTTP application, kept apart from ``__main__`` so tests can drive it
in-process.

Endpoints:

- ``GET /healthz``: liveness, 200 while the process is serving.
- ``GET /readyz``: readiness, 200 until shutdown begins, then 503.
- ``GET /metrics``: Prometheus text exposition.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from . import __version__
from .config import Settings

logger = logging.getLogger(__name__)

PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    """Counters exposed on ``/metrics``, safe to update from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests = 0

    def request(self) -> None:
        with self._lock:
            self._requests += 1

    @property
    def requests(self) -> int:
        with self._lock:
            return self._requests

    def render(self) -> str:
        return (
            "# HELP http_requests_total Total number of HTTP requests received.\n"
            "# TYPE http_requests_total counter\n"
            f"http_requests_total {self.requests}\n"
        )


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application, configured by ``settings`` (default: the environment)."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
{%- if database == 'postgres' %}
        logger.info(
            "database %s",
            "configured" if settings.database_url else "not configured (DATABASE_URL is unset)",
            extra={"database": "postgres", "configured": settings.database_url is not None},
        )
{%- endif %}
{%- if cache == 'redis' %}
        logger.info(
            "cache %s",
            "configured" if settings.redis_url else "not configured (REDIS_URL is unset)",
            extra={"cache": "redis", "configured": settings.redis_url is not None},
        )
{%- endif %}
        app.state.ready = True
        yield
        # Shutdown has begun: uvicorn has stopped accepting connections and
        # waited for in-flight requests.
        app.state.ready = False
        logger.info("stopped")

    app = FastAPI(
        title="{{ name }}",
        version=__version__,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = Metrics()
    app.state.ready = True

    @app.middleware("http")
    async def track(request: Request, call_next: Callable[[Request], Awaitable[Response]]):
        """Counts every request and logs it once answered."""
        request.app.state.metrics.request()
        started = time.perf_counter()
        response = await call_next(request)
        logger.info(
            "request",
            extra={
                "method": request.method,
                "path": request.url.path,
                "status": response.status_code,
                "elapsed_ms": round((time.perf_counter() - started) * 1000, 3),
            },
        )
        return response

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        if request.app.state.ready:
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "shutting down"}, status_code=503)

    @app.get("/metrics", response_class=PlainTextResponse)
    async def metrics(request: Request) -> PlainTextResponse:
        return PlainTextResponse(
            request.app.state.metrics.render(), media_type=PROMETHEUS_CONTENT_TYPE
        )

    return app
