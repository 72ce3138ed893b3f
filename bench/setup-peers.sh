#!/usr/bin/env bash
# setup-peers.sh - make a writable copy of the peer benchmark kit and install
# the peers into it when they are missing (idempotent; quick once installed).
#
#   PEERS_SRC  the read-only kit (default: <repo>/../shared/bench/peers)
#   BENCH_WORK work directory (default: bench/work, git-ignored); the copy is
#              $BENCH_WORK/peers, with venv/ and bin/ inside it
#
# Installing compiles kickstart and cargo-generate: several minutes on 2 cores
# (done with nice -n 10, one at a time, as the kit's README says).
set -euo pipefail
B=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$B")
PEERS_SRC=${PEERS_SRC:-$ROOT/../shared/bench/peers}
BENCH_WORK=${BENCH_WORK:-$B/work}
P=$BENCH_WORK/peers

[ -f "$PEERS_SRC/run.sh" ] || { echo "setup-peers: no peer kit at $PEERS_SRC (set PEERS_SRC)" >&2; exit 1; }
mkdir -p "$P"
# refresh the kit's own files (scripts, templates, answers); keep venv/, bin/, out/
for entry in "$PEERS_SRC"/* "$PEERS_SRC"/.gitignore; do
  [ -e "$entry" ] || continue
  name=$(basename "$entry")
  chmod -R u+w "$P/$name" 2>/dev/null || true
  rm -rf "${P:?}/$name"
  cp -R "$entry" "$P/$name"
  chmod -R u+w "$P/$name"
done

cd "$P"
if ! [ -x venv/bin/cookiecutter ] || ! [ -x venv/bin/copier ]; then
  echo "setup-peers: installing cookiecutter + copier into $P/venv" >&2
  nice -n 10 python3 -m venv venv
  nice -n 10 venv/bin/pip install -q cookiecutter copier
fi
if ! [ -x bin/kickstart ]; then
  echo "setup-peers: cargo install kickstart (several minutes)" >&2
  nice -n 10 cargo install --locked kickstart --features cli --root "$PWD"
fi
if ! [ -x bin/cargo-generate ]; then
  echo "setup-peers: cargo install cargo-generate 0.23.7 (several minutes)" >&2
  nice -n 10 cargo install --locked cargo-generate --version 0.23.7 --root "$PWD"
fi
python3 gen_templates.py --large >/dev/null
echo "$P"
