/**
 * The {{ name }} service: entry point.
 *
 * Environment:
 * - `PORT`: port to listen on, on all interfaces (default {{ port }}).
 * - `LOG_LEVEL`: debug, info, warn or error (default {{ log_level }}).
{%- if database == 'postgres' %}
 * - `DATABASE_URL`: PostgreSQL connection string.
{%- endif %}
{%- if cache == 'redis' %}
 * - `REDIS_URL`: Redis connection string.
{%- endif %}
 *
 * Logs are JSON lines on stdout. On SIGTERM or Ctrl-C, readiness turns to 503,
 * the server stops accepting connections, in-flight requests finish, then the
 * process exits 0.
 */

import type { FastifyServerOptions } from "fastify";

import { AppState, buildApp } from "./app.js";
import { loadConfig } from "./config.js";
import type { Config, LogLevel } from "./config.js";

/** Longest wait for in-flight requests on shutdown; keep it below the
 * Kubernetes termination grace period (30 s by default). */
const GRACEFUL_SHUTDOWN_MS = 20_000;

/** pino options for one JSON object per line: time, level, msg, fields. */
function loggerOptions(level: LogLevel): FastifyServerOptions["logger"] {
  return {
    level,
    base: null,
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: {
      level: (label: string) => ({ level: label.toUpperCase() }),
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    const msg = error instanceof Error ? error.message : String(error);
    process.stdout.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: "ERROR", msg: "invalid configuration", error: msg })}\n`,
    );
    process.exit(2);
  }

  const state = new AppState();
  const app = buildApp({ state, logger: loggerOptions(config.logLevel) });
{%- if database == 'postgres' %}
  app.log.info(
    { database: "postgres", configured: config.databaseUrl !== undefined },
    config.databaseUrl ? "database configured" : "database not configured (DATABASE_URL is unset)",
  );
{%- endif %}
{%- if cache == 'redis' %}
  app.log.info(
    { cache: "redis", configured: config.redisUrl !== undefined },
    config.redisUrl ? "cache configured" : "cache not configured (REDIS_URL is unset)",
  );
{%- endif %}

  const shutdown = (signal: NodeJS.Signals): void => {
    state.ready = false;
    app.log.info({ signal }, "shutdown signal received, draining connections");
    setTimeout(() => {
      app.log.error({ timeout_ms: GRACEFUL_SHUTDOWN_MS }, "graceful shutdown timed out");
      process.exit(1);
    }, GRACEFUL_SHUTDOWN_MS).unref();
    app.close().then(
      () => app.log.info("stopped"),
      (error: unknown) => {
        app.log.error({ err: error }, "shutdown failed");
        process.exitCode = 1;
      },
    );
  };
  // A second signal while draining ends the process at once.
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);

  await app.listen({ host: "0.0.0.0", port: config.port });
}

main().catch((error: unknown) => {
  const msg = error instanceof Error ? error.message : String(error);
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: "ERROR", msg: "server failed", error: msg })}\n`,
  );
  process.exit(1);
});
