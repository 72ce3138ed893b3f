#!/usr/bin/env bash
# Check scripts are single-quoted on purpose: they expand in the check's shell.
# shellcheck disable=SC2016
# The golden path, end to end: build plat, generate the built-in `service`
# template for a matrix of answers, and check that every generated project
# validates, lints, builds, passes its own tests and serves.
#
# Each check is one pass or fail with a one-line label; a failing check's output
# is shown (full logs under target/golden-path/logs/). The last line is
#   golden-path: N passed, M failed
# and the exit code is 1 when M > 0.
#
# Environment:
#   CASES=rust-github,go-github   run only these cases (default: all)
#   KEEP=1                        keep the generated projects (default: removed)
#   GOLDEN_PATH_VENV              the linters' venv (default target/golden-path/venv,
#                                 made by tests/golden-path/install.sh)
#   K8S_VERSION                   Kubernetes version to validate against (default 1.33.0)
#
# Needs: cargo, go, python3, node/npm, curl, git, terraform, kubectl, and what
# install.sh installs (the venv; Node 24, which TypeScript cases run on).
# Network: the package registries only (crates.io, PyPI, npm); services listen
# on free ports and are reached on 127.0.0.1 only.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/golden-path
GP=$ROOT/target/golden-path
OUT=$GP/out
LOGS=$GP/logs
VENV=${GOLDEN_PATH_VENV:-$GP/venv}
K8S_VERSION=${K8S_VERSION:-1.33.0}
PLAT=$ROOT/target/debug/plat
# Node 24 from install.sh: the TypeScript services declare it (Dockerfile,
# engines), so they are built and tested on it, not on the machine's node.
NODE_BIN=$GP/node/bin

# The matrix. Every language, both CI providers for each, postgres+redis on
# for three languages, and all three environments or a subset.
#   case                    language   ci     database cache environments     port git
MATRIX="
rust-github               rust       github none     none  dev,staging,prod 8080 no
rust-gitlab-data          rust       gitlab postgres redis prod             9000 no
go-github                 go         github none     none  dev              8080 yes
go-gitlab-data            go         gitlab postgres redis dev,staging,prod 8081 no
python-github-data        python     github postgres redis staging,prod     8000 yes
python-gitlab             python     gitlab none     none  dev,staging,prod 8080 no
typescript-github         typescript github none     redis dev,prod         3000 yes
typescript-gitlab-data    typescript gitlab postgres none  staging          8080 no
"

# Shared caches: one cargo target dir for all Rust cases, Go's caches under
# target/, pip's and npm's default per-user caches.
export CARGO_TARGET_DIR_CASES=$GP/cargo
export GOPATH=$GP/go GOCACHE=$GP/go-build GOPROXY=off GOTOOLCHAIN=local GOFLAGS=
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
export NO_COLOR=1 CI=${CI:-true}
export PATH=/usr/lib/go-1.23/bin:$VENV/bin:$PATH
# terraform and kubectl: pinned ones where install.sh had to install them.
[ -d "$ROOT/target/infra-tools/path" ] && PATH=$ROOT/target/infra-tools/path:$PATH
export CHECKPOINT_DISABLE=1
unset DATABASE_URL REDIS_URL

passed=0
failed=0
FAILURES=()
TIMINGS=()
t_start=$SECONDS

now_ms() { date +%s%3N; }
hr() { printf '%s\n' "------------------------------------------------------------------------"; }

# check LABEL TIMEOUT DIR SCRIPT: runs SCRIPT with bash (errexit, pipefail) in
# DIR under a timeout; one pass or fail. Sets $last_ok.
check() {
  local label=$1 limit=$2 dir=$3 script=$4
  local n=$((passed + failed + 1))
  local slug
  slug=$(printf '%s' "$label" | tr -c 'A-Za-z0-9._-' '_' | cut -c1-80)
  local log
  log=$LOGS/$(printf '%03d' "$n")-$slug.log
  local t0 rc
  t0=$(now_ms)
  (cd "$dir" && timeout -k 10 "$limit" bash -euo pipefail -c "$script") </dev/null >"$log" 2>&1
  rc=$?
  local ms=$(($(now_ms) - t0))
  local secs
  secs=$(printf '%d.%01d' $((ms / 1000)) $((ms % 1000 / 100)))
  TIMINGS+=("$(printf '%7ss  %s' "$secs" "$label")")
  if [ "$rc" = 0 ]; then
    passed=$((passed + 1))
    last_ok=1
    printf 'PASS %7ss  %s\n' "$secs" "$label"
  else
    failed=$((failed + 1))
    last_ok=0
    local why="exit $rc"
    [ "$rc" = 124 ] || [ "$rc" = 137 ] && why="timed out after ${limit}s"
    FAILURES+=("$label ($why)")
    printf 'FAIL %7ss  %s (%s)\n' "$secs" "$label" "$why"
    printf '  $ %s\n' "$(printf '%s' "$script" | head -n 1)"
    local lines
    lines=$(wc -l <"$log")
    if [ "$lines" -le 80 ]; then
      sed 's/^/  | /' "$log"
    else
      head -n 15 "$log" | sed 's/^/  | /'
      printf '  | ... (%d lines; full log: %s)\n' "$lines" "${log#"$ROOT"/}"
      tail -n 60 "$log" | sed 's/^/  | /'
    fi
  fi
}

# --- which cases ---------------------------------------------------------------
mapfile -t ALL_CASES < <(printf '%s\n' "$MATRIX" | awk 'NF { print $1 }')
if [ -n "${CASES:-}" ]; then
  IFS=, read -r -a SELECTED <<<"$CASES"
  for c in "${SELECTED[@]}"; do
    printf '%s\n' "${ALL_CASES[@]}" | grep -qx -- "$c" || {
      echo "run.sh: unknown case '$c'; cases: ${ALL_CASES[*]}" >&2
      exit 2
    }
  done
else
  SELECTED=("${ALL_CASES[@]}")
fi

# --- prerequisites -------------------------------------------------------------
missing=()
for tool in cargo go python3 node npm curl git timeout terraform kubectl \
  actionlint hadolint kubernetes-validate yamllint check-jsonschema checkov; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [[ " ${SELECTED[*]} " == *" typescript-"* ]] && ! [ -x "$NODE_BIN/node" ]; then
  missing+=("$NODE_BIN/node (Node 24)")
fi
if ((${#missing[@]})); then
  echo "run.sh: missing ${missing[*]}: run tests/golden-path/install.sh first" >&2
  exit 2
fi

rm -rf "$LOGS"
mkdir -p "$OUT" "$LOGS" "$GP/bin" "$GP/venvs"
# Clippy reads the nearest clippy.toml above a crate: the generated services
# under $OUT must be linted with clippy's defaults, as they would be in their
# own repositories, not with plat's rules (this file stops the search).
printf '# Generated services are linted with clippy'"'"'s defaults, not plat'"'"'s clippy.toml.\n' >"$GP/clippy.toml"
TMP_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/plat-golden-path.XXXXXX")
cleanup() {
  if [ "${KEEP:-0}" = 1 ]; then
    echo "kept: $OUT/ (git cases: symlinks into $TMP_ROOT)"
  else
    rm -rf "$TMP_ROOT"
    for c in "${SELECTED[@]}"; do rm -rf "${OUT:?}/$c" "${GP:?}/venvs/$c" "${GP:?}/bin/$c"; done
  fi
}
trap cleanup EXIT

echo "golden-path: cases ${SELECTED[*]}"
hr
check "harness: shellcheck" 60 "$ROOT" \
  'shellcheck scripts/test scripts/infra-tools tests/golden-path/*.sh'
# docs/ci.md's copy-paste jobs, as a repository would hold them.
check "docs/ci.md: jobs pass actionlint, the gitlab-ci schema and the supply-chain audit" 60 "$ROOT" "
  d=\$(mktemp -d '$TMP_ROOT/ci-md.XXXXXX')
  python3 '$HERE/audit-workflows.py' --extract docs/ci.md \"\$d\"
  actionlint -no-color \"\$d\"/.github/workflows/*.yml
  python3 '$HERE/audit-workflows.py' \"\$d\"/.github/workflows/*.yml
  check-jsonschema --builtin-schema vendor.gitlab-ci \"\$d/.gitlab-ci.yml\""
check "build plat (cargo build --locked)" 1200 "$ROOT" \
  'cargo build --locked'
if [ "$last_ok" != 1 ]; then
  echo "golden-path: $passed passed, $failed failed"
  exit 1
fi

# --- one case ----------------------------------------------------------------
run_case() {
  local case=$1 lang=$2 ci=$3 db=$4 cache=$5 envs=$6 port=$7 git=$8
  local name=$case
  local dir=$OUT/$case
  local c="$case:"
  local case_t0=$SECONDS
  hr
  echo "case $case: language=$lang ci=$ci database=$db cache=$cache environments=$envs port=$port git=$git"

  rm -rf "$dir" "${GP:?}/venvs/$case" "${GP:?}/bin/$case"
  local sets="--set owner=team-$case --set description='Golden path $case' --set language=$lang"
  sets+=" --set ci=$ci --set database=$db --set cache=$cache --set environments=$envs --set port=$port"

  # Generate. Git cases go to a directory outside any repository (plat skips
  # git inside one), with a known identity; out/<case> links to it.
  if [ "$git" = yes ]; then
    local gdir=$TMP_ROOT/$case
    check "$c plat new (with git, outside the repo)" 120 "$TMP_ROOT" "
      ! git -C '$TMP_ROOT' rev-parse --git-dir >/dev/null 2>&1 || { echo '$TMP_ROOT is inside a git repository'; exit 1; }
      GIT_AUTHOR_NAME='Golden Path' GIT_AUTHOR_EMAIL=golden@example.invalid \
      GIT_COMMITTER_NAME='Golden Path' GIT_COMMITTER_EMAIL=golden@example.invalid \
        '$PLAT' new service '$name' --no-input $sets --output '$gdir'"
    [ "$last_ok" = 1 ] || return 0
    ln -sfn "$gdir" "$dir"
    check "$c git: one commit, clean tree" 30 "$gdir" '
      n=$(git rev-list --count HEAD)
      [ "$n" = 1 ] || { echo "commits: $n, want 1"; git log --oneline; exit 1; }
      author=$(git log -1 --format="%an <%ae>")
      [ "$author" = "Golden Path <golden@example.invalid>" ] || { echo "author: $author"; exit 1; }
      st=$(git status --porcelain --untracked-files=all)
      [ -z "$st" ] || { echo "git status --porcelain:"; echo "$st"; exit 1; }
      echo "branch $(git rev-parse --abbrev-ref HEAD), $(git ls-files | wc -l) files, commit $(git log -1 --format="%h %s")"'
  else
    check "$c plat new --no-git" 120 "$OUT" \
      "'$PLAT' new service '$name' --no-input --no-git $sets --output '$dir'"
    [ "$last_ok" = 1 ] || return 0
  fi

  check "$c plat manifest validate" 30 "$dir" "'$PLAT' manifest validate platform.yaml"
  # A fresh project is on the golden path by plat's own measure: every
  # doctor check passes or is skipped for a reason, and sync has nothing to do.
  check "$c plat doctor --strict" 30 "$dir" "'$PLAT' doctor --strict --quiet"
  check "$c plat sync --check" 30 "$dir" "'$PLAT' sync --check"

  # The environments asked for, and only those, are rendered.
  check "$c environments rendered: $envs" 30 "$dir" "
    want=\$(tr , '\n' <<<'$envs' | sort | tr '\n' ' ')
    got=\$(find deploy/k8s -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort | tr '\n' ' ')
    [ \"\$got\" = \"\$want\" ] || { echo \"deploy/k8s/: \$got; want \$want\"; exit 1; }
    if [ -d infra/environments ]; then
      got=\$(find infra/environments -name '*.tfvars' -printf '%f\n' | sed 's/\.tfvars\$//' | sort | tr '\n' ' ')
      [ \"\$got\" = \"\$want\" ] || { echo \"infra/environments/*.tfvars: \$got; want \$want\"; exit 1; }
    fi
    echo \"deploy/k8s/: \$want\""

  # --- linters, on the tree as generated ---
  if [ "$ci" = github ]; then
    check "$c actionlint" 60 "$dir" '
      shopt -s nullglob; f=(.github/workflows/*.yml .github/workflows/*.yaml)
      ((${#f[@]})) || { echo "no workflow under .github/workflows/"; exit 1; }
      actionlint -no-color "${f[@]}"; echo "ok: ${f[*]}"'
    check "$c supply-chain audit of the workflows" 60 "$dir" \
      "python3 '$HERE/audit-workflows.py' .github/workflows/*.yml"
  else
    check "$c check-jsonschema gitlab-ci" 60 "$dir" \
      'test -f .gitlab-ci.yml || { echo "no .gitlab-ci.yml"; exit 1; }
       check-jsonschema --builtin-schema vendor.gitlab-ci .gitlab-ci.yml'
  fi
  check "$c hadolint Dockerfile" 60 "$dir" 'hadolint --no-color Dockerfile; echo ok'
  local env
  for env in ${envs//,/ }; do
    # kustomization.yaml is kustomize's config, not a Kubernetes object: its
    # resources must exist and cover every other file instead.
    check "$c kubernetes-validate --strict deploy/k8s/$env" 60 "$dir" "
      cd deploy/k8s/$env
      shopt -s nullglob
      files=()
      for f in *.yaml *.yml; do [ \"\$f\" = kustomization.yaml ] || files+=(\"\$f\"); done
      ((\${#files[@]})) || { echo 'no manifests'; exit 1; }
      kubernetes-validate --strict -k '$K8S_VERSION' \"\${files[@]}\"
      if [ -f kustomization.yaml ]; then
        python3 - \"\${files[@]}\" <<'PY'
import os, sys, yaml
k = yaml.safe_load(open('kustomization.yaml'))
res = k.get('resources') or []
missing = [r for r in res if not os.path.exists(r)]
unlisted = sorted(set(sys.argv[1:]) - set(res))
if missing or unlisted:
    sys.exit(f'kustomization.yaml: missing resources {missing}, files not listed {unlisted}')
print('kustomization.yaml resources:', ', '.join(res))
PY
      fi"
  done
  # Terraform exactly as `terraform fmt` writes it, and every environment as
  # `kubectl apply -k` would send it, validated.
  check "$c terraform fmt -check -diff -recursive infra" 60 "$dir" \
    'terraform fmt -check -diff -recursive -no-color infra; echo ok'
  for env in ${envs//,/ }; do
    check "$c kubectl kustomize deploy/k8s/$env" 60 "$dir" "
      out=\$(mktemp --suffix=.yaml)
      trap 'rm -f \"\$out\"' EXIT
      kubectl kustomize 'deploy/k8s/$env' >\"\$out\"
      kubernetes-validate --strict -k '$K8S_VERSION' \"\$out\"
      grep -q '^  namespace: $case-$env\$' \"\$out\" || { echo 'the build does not set the namespace $case-$env'; exit 1; }"
  done
  check "$c yamllint -s ." 60 "$dir" 'yamllint -s -f parsable .; echo ok'
  local fw="terraform,kubernetes,dockerfile"
  [ "$ci" = github ] && fw+=",github_actions"
  [ "$ci" = gitlab ] && fw+=",gitlab_ci"
  # platform.yaml has apiVersion and kind, so checkov's kubernetes runner would
  # take it for a Kubernetes object: it is plat's manifest, not one.
  check "$c checkov ($fw)" 300 "$dir" \
    "checkov --skip-download --quiet --compact --framework $fw --skip-path platform.yaml -d ."
  if [ -n "$(find "$dir/" -name '*.sh' -not -path '*/node_modules/*' -print -quit)" ]; then
    check "$c shellcheck *.sh" 60 "$dir" "find . -name '*.sh' -print0 | xargs -0 shellcheck"
  fi

  # --- the project's own build, lints and tests, and the running service ---
  case $lang in
  rust)
    local tgt=$CARGO_TARGET_DIR_CASES
    check "$c cargo test" 1200 "$dir" "CARGO_TARGET_DIR='$tgt' cargo test"
    check "$c cargo clippy --all-targets -D warnings" 900 "$dir" \
      "CARGO_TARGET_DIR='$tgt' cargo clippy --all-targets -- -D warnings"
    check "$c cargo fmt --check" 60 "$dir" "cargo fmt --all --check"
    check "$c serve (healthz, readyz, metrics, SIGTERM)" 600 "$dir" "
      CARGO_TARGET_DIR='$tgt' cargo build
      '$HERE/serve.sh' '$tgt/debug/$name'"
    ;;
  go)
    check "$c gofmt -l" 60 "$dir" 'out=$(gofmt -l .); [ -z "$out" ] || { echo "not gofmt-ed: $out"; exit 1; }'
    check "$c go vet ./..." 300 "$dir" 'go vet ./...'
    check "$c go test ./..." 300 "$dir" 'go test ./...'
    check "$c serve (healthz, readyz, metrics, SIGTERM)" 300 "$dir" "
      go build -o '$GP/bin/$case' .
      '$HERE/serve.sh' '$GP/bin/$case'"
    ;;
  python)
    local pv=$GP/venvs/$case
    check "$c pip install -e .[dev] (fresh venv)" 600 "$dir" "
      python3 -m venv '$pv'
      '$pv/bin/python' -m pip install -q -e '.[dev]'"
    if [ "$last_ok" = 1 ]; then
      check "$c pytest" 300 "$dir" "'$pv/bin/pytest' -q -p no:cacheprovider"
      check "$c ruff check ." 60 "$dir" "'$pv/bin/ruff' check --no-cache ."
      check "$c ruff format --check ." 60 "$dir" "'$pv/bin/ruff' format --no-cache --check ."
      check "$c serve (healthz, readyz, metrics, SIGTERM)" 120 "$dir" "
        '$HERE/serve.sh' '$pv/bin/$name'"
    fi
    ;;
  typescript)
    # Every check below runs on Node 24 (npm too: it runs on the first node
    # on PATH). It must be the line the Dockerfile builds on and engines names.
    local node="export PATH='$NODE_BIN':\$PATH;"
    check "$c node is the Dockerfile's and engines' line" 30 "$dir" "$node"'
      have=$(node -p "process.versions.node.split(\".\")[0]")
      images=$(sed -n "s/^FROM node:\([0-9]*\)-.*/\1/p" Dockerfile | sort -u | xargs)
      engines=$(node -p "require(\"./package.json\").engines.node")
      [ "$images" = "$have" ] || { echo "node $have, Dockerfile FROM node:$images"; exit 1; }
      [ "$engines" = ">=$have" ] || { echo "node $have, package.json engines.node $engines"; exit 1; }
      echo "node $(node --version), Dockerfile node:$images, engines $engines"'
    check "$c npm install" 600 "$dir" "$node"'npm install --no-audit --no-fund'
    if [ "$last_ok" = 1 ]; then
      check "$c npm run lint" 300 "$dir" "$node"'npm run lint'
      check "$c npm test" 300 "$dir" "$node"'npm test'
      check "$c npm run build" 300 "$dir" "$node"'npm run build'
      # Run the built entry point with node itself (not through npm) so that
      # SIGTERM reaches the service.
      check "$c serve (healthz, readyz, metrics, SIGTERM)" 120 "$dir" "$node
        start=\$(node -p 'require(\"./package.json\").scripts?.start ?? \"\"')
        case \$start in
          'node '*) ;;
          *) echo \"package.json scripts.start is '\$start'; want 'node <file>'\"; exit 1 ;;
        esac
        read -r -a argv <<<\"\$start\"
        '$HERE/serve.sh' \"\${argv[@]}\""
    fi
    ;;
  esac

  # Building and testing left nothing for git to see but new lockfiles.
  if [ "$git" = yes ]; then
    check "$c git: .gitignore covers build outputs" 30 "$dir/" '
      st=$(git status --porcelain --untracked-files=normal |
        grep -Ev "^\?\? (Cargo\.lock|package-lock\.json|go\.sum)$" || true)
      [ -z "$st" ] || { echo "git status --porcelain after build and tests:"; echo "$st"; exit 1; }
      echo clean'
  fi
  TIMINGS+=("$(printf '%7ss  %s (case total)' "$((SECONDS - case_t0))" "$case")")
}

for sel in "${SELECTED[@]}"; do
  # shellcheck disable=SC2046 # word splitting of the matrix row is intended
  run_case $(printf '%s\n' "$MATRIX" | awk -v c="$sel" '$1 == c')
done

hr
echo "timings:"
printf '  %s\n' "${TIMINGS[@]}"
echo "total: $((SECONDS - t_start))s"
if ((${#FAILURES[@]})); then
  echo "failed checks:"
  printf '  %s\n' "${FAILURES[@]}"
fi
echo "golden-path: $passed passed, $failed failed"
[ "$failed" = 0 ]
