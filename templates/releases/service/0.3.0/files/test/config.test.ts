import assert from "node:assert/strict";
import { test } from "node:test";

import { DEFAULT_LOG_LEVEL, DEFAULT_PORT, loadConfig } from "../src/config.js";

test("defaults", () => {
  const config = loadConfig({});
  assert.equal(config.port, DEFAULT_PORT);
  assert.equal(config.port, {{ port }});
  assert.equal(config.logLevel, DEFAULT_LOG_LEVEL);
{%- if database == 'postgres' %}
  assert.equal(config.databaseUrl, undefined);
{%- endif %}
{%- if cache == 'redis' %}
  assert.equal(config.redisUrl, undefined);
{%- endif %}
});

test("from the environment", () => {
  const config = loadConfig({
    PORT: "9000",
    LOG_LEVEL: "WARNING",
{%- if database == 'postgres' %}
    DATABASE_URL: "postgres://app:secret@db:5432/app",
{%- endif %}
{%- if cache == 'redis' %}
    REDIS_URL: "redis://cache:6379/0",
{%- endif %}
  });
  assert.equal(config.port, 9000);
  assert.equal(config.logLevel, "warn");
{%- if database == 'postgres' %}
  assert.equal(config.databaseUrl, "postgres://app:secret@db:5432/app");
{%- endif %}
{%- if cache == 'redis' %}
  assert.equal(config.redisUrl, "redis://cache:6379/0");
{%- endif %}
});

for (const port of ["abc", "0", "65536", "80.5", "-1"]) {
  test(`invalid PORT=${port} is rejected`, () => {
    assert.throws(() => loadConfig({ PORT: port }), /PORT/);
  });
}

test("invalid LOG_LEVEL is rejected", () => {
  assert.throws(() => loadConfig({ LOG_LEVEL: "loud" }), /LOG_LEVEL/);
});
