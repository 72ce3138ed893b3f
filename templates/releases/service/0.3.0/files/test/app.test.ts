// Drives the application in-process with app.inject(): no socket, no port.

import assert from "node:assert/strict";
import { test } from "node:test";

import { AppState, buildApp } from "../src/app.js";

test("healthz is ok", async (t) => {
  const app = buildApp();
  t.after(() => app.close());

  const response = await app.inject({ method: "GET", url: "/healthz" });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers["content-type"]), /^application\/json/);
  assert.deepEqual(response.json(), { status: "ok" });
});

test("readyz is ok until shutdown", async (t) => {
  const state = new AppState();
  const app = buildApp({ state });
  t.after(() => app.close());

  let response = await app.inject({ method: "GET", url: "/readyz" });
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), { status: "ready" });

  state.ready = false;
  response = await app.inject({ method: "GET", url: "/readyz" });
  assert.equal(response.statusCode, 503);
  assert.deepEqual(response.json(), { status: "shutting down" });
});

test("metrics count requests", async (t) => {
  const app = buildApp();
  t.after(() => app.close());

  await app.inject({ method: "GET", url: "/healthz" });
  await app.inject({ method: "GET", url: "/does-not-exist" });

  const response = await app.inject({ method: "GET", url: "/metrics" });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers["content-type"]), /^text\/plain; version=0\.0\.4/);
  const body = response.body;
  assert.ok(body.includes("# HELP http_requests_total "), body);
  assert.ok(body.includes("# TYPE http_requests_total counter\n"), body);
  // The two requests above plus this scrape.
  assert.ok(body.includes("\nhttp_requests_total 3\n"), body);
});

test("unknown route is 404", async (t) => {
  const app = buildApp();
  t.after(() => app.close());

  const response = await app.inject({ method: "GET", url: "/nope" });
  assert.equal(response.statusCode, 404);
});
