/**
 * Configuration, read from the environment at start-up.
 */

/** Port used when the `PORT` environment variable is not set. */
export const DEFAULT_PORT = {{ port }};

/** The log levels `LOG_LEVEL` accepts, from the most verbose. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Level logged when the `LOG_LEVEL` environment variable is not set. */
export const DEFAULT_LOG_LEVEL: LogLevel = "{{ log_level }}";

/** The service configuration. */
export interface Config {
  /** TCP port to listen on, on all interfaces (`PORT`). */
  port: number;
  /** Lowest level logged (`LOG_LEVEL`: debug, info, warn, error). */
  logLevel: LogLevel;
{%- if database == 'postgres' %}
  /**
   * PostgreSQL connection string (`DATABASE_URL`), e.g.
   * `postgres://user:password@host:5432/db?sslmode=require`; undefined when
   * unset. It holds a password: never log it.
   */
  databaseUrl: string | undefined;
{%- endif %}
{%- if cache == 'redis' %}
  /**
   * Redis connection string (`REDIS_URL`), e.g. `redis://host:6379/0`;
   * undefined when unset. It may hold a password: never log it.
   */
  redisUrl: string | undefined;
{%- endif %}
}

/**
 * Reads the configuration from `env` (`process.env` in `main`).
 *
 * @throws Error when a value is invalid.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  let port = DEFAULT_PORT;
  const rawPort = env["PORT"];
  if (rawPort !== undefined && rawPort !== "") {
    port = /^\d+$/.test(rawPort) ? Number(rawPort) : NaN;
    if (!(port >= 1 && port <= 65535)) {
      throw new Error(`PORT=${JSON.stringify(rawPort)} is not a valid port (1-65535)`);
    }
  }

  const rawLevel = env["LOG_LEVEL"] ?? "";
  let level = rawLevel.trim().toLowerCase() || DEFAULT_LOG_LEVEL;
  if (level === "warning") {
    level = "warn";
  }
  if (!isLogLevel(level)) {
    throw new Error(
      `LOG_LEVEL=${JSON.stringify(rawLevel)} is not one of ${LOG_LEVELS.join(", ")}`,
    );
  }

  return {
    port,
    logLevel: level,
{%- if database == 'postgres' %}
    databaseUrl: env["DATABASE_URL"] || undefined,
{%- endif %}
{%- if cache == 'redis' %}
    redisUrl: env["REDIS_URL"] || undefined,
{%- endif %}
  };
}

function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}
