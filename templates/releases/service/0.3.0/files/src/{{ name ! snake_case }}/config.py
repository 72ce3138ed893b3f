"""Configuration, read from the environment at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_PORT = {{ port }}
"""Port used when the ``PORT`` environment variable is not set."""

DEFAULT_LOG_LEVEL = "{{ {'debug': 'DEBUG', 'info': 'INFO', 'warn': 'WARNING', 'error': 'ERROR'}[log_level] }}"
"""Level logged when the ``LOG_LEVEL`` environment variable is not set."""


@dataclass(frozen=True)
class Settings:
    """The service configuration."""

    port: int = DEFAULT_PORT
    """TCP port to listen on (``PORT``)."""
    log_level: str = DEFAULT_LOG_LEVEL
    """Lowest level logged (``LOG_LEVEL``: debug, info, warning, error)."""
{%- if database == 'postgres' %}
    database_url: str | None = None
    """PostgreSQL connection string (``DATABASE_URL``), e.g.
    ``postgres://user:password@host:5432/db?sslmode=require``. It holds a
    password: never log it."""
{%- endif %}
{%- if cache == 'redis' %}
    redis_url: str | None = None
    """Redis connection string (``REDIS_URL``), e.g. ``redis://host:6379/0``.
    It may hold a password: never log it."""
{%- endif %}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Reads the settings from ``environ`` (default ``os.environ``).

        Raises ``ValueError`` when a value is invalid.
        """
        env = os.environ if environ is None else environ
        port = DEFAULT_PORT
        if value := env.get("PORT"):
            try:
                port = int(value)
            except ValueError:
                port = 0
            if not 1 <= port <= 65535:
                raise ValueError(f"PORT={value!r} is not a valid port (1-65535)")
        value = env.get("LOG_LEVEL", "")
        level = value.strip().upper() or DEFAULT_LOG_LEVEL
        level = "WARNING" if level == "WARN" else level
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError(f"LOG_LEVEL={value!r} is not one of debug, info, warn, error")
        return cls(
            port=port,
            log_level=level,
{%- if database == 'postgres' %}
            database_url=env.get("DATABASE_URL") or None,
{%- endif %}
{%- if cache == 'redis' %}
            redis_url=env.get("REDIS_URL") or None,
{%- endif %}
        )
