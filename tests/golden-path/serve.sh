#!/usr/bin/env bash
# serve.sh CMD [ARGS...]
#
# Run from a generated project's directory: starts CMD with PORT set to a free
# loopback port, waits (at most 30 s) for GET /healthz to answer 200, requires
# 200 from GET /readyz and GET /metrics (non-empty), then sends SIGTERM and
# requires the process to exit with code 0 within 10 s. Talks to 127.0.0.1 only.
set -uo pipefail

[ $# -ge 1 ] || { echo "usage: serve.sh CMD [ARGS...]" >&2; exit 2; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
tmp=$(mktemp -d)
svc_log=$tmp/service.log
body=$tmp/body

PORT=$port "$@" >"$svc_log" 2>&1 &
pid=$!
cleanup() {
  kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  echo "serve: $*"
  echo "--- service output (last 40 lines) ---"
  tail -n 40 "$svc_log"
  exit 1
}

# GET PATH -> prints the HTTP status (000 when nothing answered); body in $body.
get() {
  curl -sS --noproxy '*' --max-time 2 -o "$body" -w '%{http_code}' "http://127.0.0.1:$port$1" 2>/dev/null || true
}

t0=$(date +%s%N)
deadline=$((SECONDS + 30))
while :; do
  code=$(get /healthz)
  [ "$code" = 200 ] && break
  kill -0 "$pid" 2>/dev/null || { wait "$pid"; fail "exited with code $? before /healthz answered (port $port)"; }
  ((SECONDS < deadline)) || fail "/healthz did not answer 200 within 30 s (last status: $code, port $port)"
  sleep 0.2
done
printf 'healthz: 200 after %d ms on 127.0.0.1:%s\n' "$((($(date +%s%N) - t0) / 1000000))" "$port"

code=$(get /readyz)
[ "$code" = 200 ] || fail "GET /readyz: status $code, want 200: $(head -c 300 "$body")"
echo "readyz: 200 $(head -c 200 "$body")"

code=$(get /metrics)
[ "$code" = 200 ] || fail "GET /metrics: status $code, want 200: $(head -c 300 "$body")"
[ -s "$body" ] || fail "GET /metrics: empty body"
echo "metrics: 200, $(wc -l <"$body") lines"

# SIGTERM, then at most 10 s to exit with code 0. kill -0 cannot tell a zombie
# from a live process, so look at its state in /proc.
t0=$(date +%s%N)
kill -TERM "$pid"
for _ in $(seq 100); do
  state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1)
  [ -z "$state" ] || [ "$state" = Z ] && break
  sleep 0.1
done
if [ -n "$state" ] && [ "$state" != Z ]; then
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  fail "still running 10 s after SIGTERM (killed)"
fi
wait "$pid"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$rc" = 0 ] || fail "exit code $rc after SIGTERM (want 0), after $ms ms"
echo "SIGTERM: exit 0 after $ms ms"
