#!/usr/bin/env bash
# run.sh - benchmark `plat new` against the peer scaffolders (see bench/README.md).
#
#   bench/run.sh            set up the peers (copy of ../shared/bench/peers in
#                           bench/work/peers, installed if missing), build plat
#                           in release mode, check outputs (bench/compare.sh),
#                           then run the peers' run.sh twice:
#                             A: every peer row + plat --no-git   (EXTRA_SMALL/EXTRA_LARGE)
#                             B: calib/noop/git-init/kickstart rows + plat WITH git
#                           and print the pooled table with ratios against the
#                           kickstart rows of the same run, and the targets.
#   R=5 N=10 bench/run.sh   passed on to the peers' run.sh (rounds, runs per round)
#   PEER_ONLY=kickstart bench/run.sh   restrict run A's peer rows (a regex; default: all)
#   NO_BUILD=1              use target/release/plat as it is
#   BENCH_WORK=/some/dir    work directory (default bench/work, git-ignored)
#   PB=/tmp/plat-bench      outputs on disk instead of tmpfs (see the peers' README)
set -euo pipefail
B=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$B")
export BENCH_WORK=${BENCH_WORK:-$B/work}
export PLAT=${PLAT:-$ROOT/target/release/plat}

# (a) peers
P=$("$B/setup-peers.sh")
# (b) plat, release build
if [ -z "${NO_BUILD:-}" ]; then
  (cd "$ROOT" && cargo build --release --quiet)
fi
[ -x "$PLAT" ] || { echo "run: no plat binary at $PLAT" >&2; exit 1; }
# time a copy: a rebuild during the run must not change the binary under test
mkdir -p "$BENCH_WORK/bin"
cp "$PLAT" "$BENCH_WORK/bin/plat"
PLAT_BUILT=$(date -u -r "$PLAT" +%FT%TZ)
export PLAT=$BENCH_WORK/bin/plat
python3 "$B/gen-large.py" "$BENCH_WORK/templates/large" >/dev/null
export PLAT_SMALL=$B/templates/service PLAT_LARGE=$BENCH_WORK/templates/large
"$B/compare.sh" >"$BENCH_WORK/compare.log" 2>&1 || {
  cat "$BENCH_WORK/compare.log"; echo "run: bench/compare.sh reports differences" >&2; exit 1; }

# (c) the timed rows.  The snippets run under `sh -c 'D=$PB/$$; <snippet>'`
# ($D: fresh, not yet existing; $P: the peers' folder), like the peers' gen.sh:
# one sh, then exec the tool.  Answers: the peers' answers.json (kickstart -i).
new='"$PLAT" new "$TPL" orders-api --no-input --values "$P/answers.json" --output "$D/orders-api"'
git_env='export GIT_AUTHOR_NAME="plat bench" GIT_AUTHOR_EMAIL=bench@example.invalid GIT_COMMITTER_NAME="plat bench" GIT_COMMITTER_EMAIL=bench@example.invalid; '
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
LOG=$BENCH_WORK/run-$STAMP
echo "# $("$PLAT" --version 2>/dev/null || echo 'plat ?'), built $PLAT_BUILT, commit $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo 'none')"
echo "## run A: peers + plat --no-git"
ONLY="(${PEER_ONLY:-.})|^extra/" \
EXTRA_SMALL="TPL=\$PLAT_SMALL; exec $new --no-git" \
EXTRA_LARGE="TPL=\$PLAT_LARGE; exec $new --no-git" \
  "$P/run.sh" | tee "$LOG-A.txt"
echo "## run B: kickstart + plat with git init + first commit"
ONLY='^(calib|noop|git-init|kickstart|extra)' \
EXTRA_SMALL="${git_env}TPL=\$PLAT_SMALL; exec $new" \
EXTRA_LARGE="${git_env}TPL=\$PLAT_LARGE; exec $new" \
  "$P/run.sh" | tee "$LOG-B.txt"

# (d) pooled table, ratios, targets
rawA=$(sed -n 's/^# files: .* \(.*\.raw\.csv\)$/\1/p' "$LOG-A.txt")
rawB=$(sed -n 's/^# files: .* \(.*\.raw\.csv\)$/\1/p' "$LOG-B.txt")
python3 "$B/report.py" "$rawA" "$rawB" | tee "$LOG-report.md"
echo "# logs: $LOG-{A,B}.txt $LOG-report.md"
