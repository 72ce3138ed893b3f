#!/usr/bin/env bash
# hot-symbols.sh - which functions local use runs, for the linker to place
# first (build.rs passes bench/hot-symbols.txt to rust-lld in release builds).
#
#   bench/hot-symbols.sh [PLAT]     PLAT: a release build (default target/release/plat)
#
# Why: peak RSS counts the binary's code pages a run maps, and the kernel maps
# them in blocks around each one touched. With the network code (https, ssh)
# in the binary, code a local `plat new` runs was spread over the whole .text;
# placing what it runs first keeps it on as few pages as possible
# (bench/README.md, "Templates from git"). Regenerate after adding or
# upgrading dependencies: names of functions that no longer exist are ignored.
set -euo pipefail
B=$(cd "$(dirname "$0")" && pwd)
PLAT=${1:-$B/../target/release/plat}
command -v valgrind >/dev/null || { echo "hot-symbols: needs valgrind" >&2; exit 2; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
cg() { valgrind --tool=callgrind --demangle=no --callgrind-out-file="$W/cg.$1" "${@:2}" >/dev/null 2>&1 || true; }
cat > "$W/answers.json" <<'JSON'
{"service_name": "orders-api", "owner_team": "payments", "language": "go", "port": 9090, "with_database": true, "description": "Order intake API"}
JSON
# What people run locally and in CI: new (built-in, with git; a directory
# template, JSON), doctor, sync, update, the listings.
cg 1 "$PLAT" new service svc --no-input --output "$W/svc"
cg 2 "$PLAT" new "$B/templates/service" orders-api --no-input --values "$W/answers.json" --output "$W/orders" --format json
(cd "$W/svc" && cg 3 "$PLAT" doctor && cg 4 "$PLAT" sync --check && cg 5 "$PLAT" update --check)
cg 6 "$PLAT" new service old --ref 0.2.0 --no-input --output "$W/old"
(cd "$W/old" && cg 7 "$PLAT" update --dry-run)
cg 8 "$PLAT" templates list
# Every function called, in the order first seen, that the binary defines.
nm "$PLAT" | awk '$2 ~ /^[tTwW]$/ {print $3}' | sort -u > "$W/defined"
grep -h '^c\?fn=' "$W"/cg.* | sed -E 's/^c?fn=\([0-9]+\) ?//' | grep -v '^$' \
  | awk '!seen[$0]++' | grep -Fxf "$W/defined" > "$B/hot-symbols.txt"
echo "hot-symbols: $(wc -l < "$B/hot-symbols.txt") functions -> bench/hot-symbols.txt"
