#!/usr/bin/env bash
# run.sh - benchmark `plat doctor` (see bench/README.md, "plat doctor").
#
#   bench/doctor/run.sh     copy the plat binary to $BENCH_WORK/bin, write the
#                           synthetic tree $BENCH_WORK/doctor-tree (gen-tree.py:
#                           200 services among 100,000 files; kept between runs),
#                           check once what doctor reports on it (check.py),
#                           then R rounds; in each round, 1 warm-up + N timed
#                           runs of each row, interleaved:
#                             doctor-one  plat doctor SVC --format json
#                             base-one    find SVC -path SVC/.git -prune -o -type f -exec cat {} +
#                             doctor-all  plat doctor --all TREE --format json
#                             base-all    find TREE -name platform.yaml -not -path '*/node_modules/*' -not -path '*/target/*'
#                           and print the pooled report (report.py): medians,
#                           ratios against the baselines of the same run, targets.
#   PLAT=/path/to/plat      binary under test (default target/release/plat; not built here)
#   R=3 N=10                rounds, timed runs per row and round
#   BENCH_WORK=/some/dir    work directory (default bench/work, git-ignored)
#   SERVICES=200 FILES=100000 SEED=1   passed to gen-tree.py
#
# plat doctor exits 1 when it finds problems: exit codes 0 and 1 are accepted,
# anything else stops the run with the command and its stderr.
# Exit status: 0 if every target passes, 1 if one fails, 2 on an error.
set -euo pipefail
B=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$(dirname "$B")")
BENCH_WORK=${BENCH_WORK:-$ROOT/bench/work}
PLAT=${PLAT:-$ROOT/target/release/plat}
R=${R:-3} N=${N:-10}
SERVICES=${SERVICES:-200} FILES=${FILES:-100000} SEED=${SEED:-1}

[ -x "$PLAT" ] || { echo "doctor/run: no plat binary at $PLAT (build it: cargo build --release)" >&2; exit 2; }
mkdir -p "$BENCH_WORK/bin"
BENCH_WORK=$(cd "$BENCH_WORK" && pwd)
# time a copy: a rebuild during the run must not change the binary under test
cp "$PLAT" "$BENCH_WORK/bin/plat"
PLAT_BUILT=$(date -u -r "$PLAT" +%FT%TZ)
P=$BENCH_WORK/bin/plat
TREE=$BENCH_WORK/doctor-tree
LOAD_START=$(cat /proc/loadavg)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$BENCH_WORK/doctor-$STAMP
echo "# $("$P" --version 2>/dev/null || echo 'plat ?'), built $PLAT_BUILT; load $LOAD_START" >&2

SUMMARY=$(python3 "$B/gen-tree.py" "$TREE" --plat "$P" --services "$SERVICES" --files "$FILES" --seed "$SEED")
echo "$SUMMARY" >&2
# The one-service row: the first service, made WITH git (init + first commit).
SVC=$TREE/$(python3 -c 'import json,sys; print(next(s["path"] for s in json.load(open(sys.argv[1]))["services"] if s["git"]))' "$TREE/.complete")

# What doctor reports (once, not timed); exit codes other than 0/1 stop the run.
doctor() { # OUTFILE ARGS...
  local out=$1 rc=0; shift
  "$P" doctor "$@" --format json >"$out" 2>"$out.stderr" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "doctor/run: \`$P doctor $* --format json\` exited $rc; stderr:" >&2
    cat "$out.stderr" >&2
    exit 2
  fi
  echo "$rc"
}
RC_ONE=$(doctor "$OUT-one.json" "$SVC")
RC_ALL=$(doctor "$OUT-all.json" --all "$TREE")
CHECK_RC=0
python3 "$B/check.py" "$TREE" "$OUT-all.json" "$OUT-one.json" "$SVC" >"$OUT-check.md" || CHECK_RC=$?

CSV=$OUT.csv
for r in $(seq 1 "$R"); do
  echo "## round $r/$R" >&2
  t() { python3 "$B/timeit.py" --csv "$CSV" --round "$r" --runs "$N" --warmup 1 "$@" || exit 2; }
  t --label doctor-one --ok 0,1 -- "$P" doctor "$SVC" --format json
  t --label base-one -- find "$SVC" -path "$SVC/.git" -prune -o -type f -exec cat {} +
  t --label doctor-all --ok 0,1 -- "$P" doctor --all "$TREE" --format json
  t --label base-all -- find "$TREE" -name platform.yaml -not -path '*/node_modules/*' -not -path '*/target/*'
done
LOAD_END=$(cat /proc/loadavg)

REPORT_RC=0
python3 "$B/report.py" --load-start "$LOAD_START" --load-end "$LOAD_END" \
  --note "$(date -u +%F) ($STAMP), $(nproc) cpus, R=$R rounds x N=$N runs + 1 warm-up per row and round" \
  --note "$("$P" --version 2>/dev/null || echo 'plat ?'), binary built $PLAT_BUILT, repository HEAD $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')" \
  --note "${SUMMARY#gen-tree: }" \
  --note "SVC = ${SVC#"$TREE"/}; exit codes of the untimed check runs: doctor SVC $RC_ONE, doctor --all $RC_ALL" \
  "$CSV" >"$OUT-report.md" || REPORT_RC=$?
{ echo; cat "$OUT-check.md"; } >>"$OUT-report.md"
cat "$OUT-report.md"
echo "# files: $CSV $OUT-report.md $OUT-{one,all}.json" >&2
[ "$CHECK_RC" -eq 0 ] || echo "doctor/run: check.py: doctor --all missed services or reported decoys (see above)" >&2
[ "$REPORT_RC" -eq 0 ] && [ "$CHECK_RC" -eq 0 ] || exit 1
