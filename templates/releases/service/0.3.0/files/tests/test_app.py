"""Drives the application in-process: no socket, no port."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient

from {{ name | snake_case }} import config, logs
from {{ name | snake_case }}.app import create_app
from {{ name | snake_case }}.config import Settings


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app(Settings()))


def test_healthz_is_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"status": "ok"}


def test_readyz_is_ok_until_shutdown() -> None:
    app = create_app(Settings())
    with TestClient(app) as client:  # runs the application's startup and shutdown
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json() == {"status": "ready"}

        app.state.ready = False
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json() == {"status": "shutting down"}
    assert app.state.ready is False


def test_metrics_count_requests(client: TestClient) -> None:
    client.get("/healthz")
    client.get("/does-not-exist")

    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    body = response.text
    assert "# HELP http_requests_total " in body
    assert "# TYPE http_requests_total counter\n" in body
    # The two requests above plus this scrape.
    assert "\nhttp_requests_total 3\n" in body, body


def test_unknown_route_is_404(client: TestClient) -> None:
    assert client.get("/nope").status_code == 404


def test_requests_are_logged(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        client.get("/healthz")
    [record] = [r for r in caplog.records if r.getMessage() == "request"]
    line = json.loads(logs.JsonFormatter().format(record))
    assert line["level"] == "INFO"
    assert line["msg"] == "request"
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert "time" in line


def test_settings_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.port == config.DEFAULT_PORT == {{ port }}
    assert settings.log_level == config.DEFAULT_LOG_LEVEL
{%- if database == 'postgres' %}
    assert settings.database_url is None
{%- endif %}
{%- if cache == 'redis' %}
    assert settings.redis_url is None
{%- endif %}


def test_settings_from_env() -> None:
    env = {
        "PORT": "9000",
        "LOG_LEVEL": "warn",
{%- if database == 'postgres' %}
        "DATABASE_URL": "postgres://app:secret@db:5432/app",
{%- endif %}
{%- if cache == 'redis' %}
        "REDIS_URL": "redis://cache:6379/0",
{%- endif %}
    }
    settings = Settings.from_env(env)
    assert settings.port == 9000
    assert settings.log_level == "WARNING"
{%- if database == 'postgres' %}
    assert settings.database_url == "postgres://app:secret@db:5432/app"
{%- endif %}
{%- if cache == 'redis' %}
    assert settings.redis_url == "redis://cache:6379/0"
{%- endif %}


@pytest.mark.parametrize("port", ["abc", "0", "65536"])
def test_invalid_port_is_rejected(port: str) -> None:
    with pytest.raises(ValueError, match="PORT"):
        Settings.from_env({"PORT": port})


def test_invalid_log_level_is_rejected() -> None:
    with pytest.raises(ValueError, match="LOG_LEVEL"):
        Settings.from_env({"LOG_LEVEL": "loud"})
