/**
 * The HTTP application, kept apart from `main` so tests can drive it
 * in-process with `app.inject()`.
 *
 * Endpoints:
 * - `GET /healthz`: liveness, 200 while the process is serving.
 * - `GET /readyz`: readiness, 200 until shutdown begins, then 503.
 * - `GET /metrics`: Prometheus text exposition.
 */

import Fastify, { LogController } from "fastify";
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from "fastify";

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** State shared by every request handler. */
export class AppState {
  /** Number of requests received so far. */
  requests = 0;
  /**
   * False once shutdown has begun, so load balancers stop sending traffic
   * while in-flight requests drain.
   */
  ready = true;

  /** The metrics in the Prometheus text format. */
  renderMetrics(): string {
    return [
      "# HELP http_requests_total Total number of HTTP requests received.",
      "# TYPE http_requests_total counter",
      `http_requests_total ${this.requests}`,
      "",
    ].join("\n");
  }
}

/**
 * Fastify's per-request log lines, replaced by one line per request once it
 * is answered: method, path, status and elapsed_ms.
 */
class RequestLog extends LogController {
  override incomingRequest(): void {}

  // Already in the request line, with status 404.
  override routeNotFound(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const fields = {
      method: request.method,
      path: request.url.split("?", 1)[0],
      status: reply.statusCode,
      elapsed_ms: Math.round(reply.elapsedTime * 1000) / 1000,
    };
    if (error) {
      reply.log.error({ ...fields, err: error }, "request failed");
    } else {
      reply.log.info(fields, "request");
    }
  }
}

export interface AppOptions {
  /** Shared state (default: fresh). */
  state?: AppState;
  /** Fastify's (pino) logger options; false (the default) logs nothing. */
  logger?: FastifyServerOptions["logger"];
}

/** The application. Call `listen()` to serve it, or `inject()` to test it. */
export function buildApp(options: AppOptions = {}): FastifyInstance {
  const state = options.state ?? new AppState();
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new RequestLog(),
  });

  app.addHook("onRequest", async () => {
    state.requests += 1;
  });

  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/readyz", async (_request, reply) => {
    if (state.ready) {
      return { status: "ready" };
    }
    return reply.code(503).send({ status: "shutting down" });
  });

  app.get("/metrics", async (_request, reply) => {
    return reply.type(PROMETHEUS_CONTENT_TYPE).send(state.renderMetrics());
  });

  return app;
}
