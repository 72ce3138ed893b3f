#!/usr/bin/env bash
# compare.sh - check that plat renders bench/templates/service (and the
# generated 1,045-file variant) to the same tree as kickstart renders the
# peers' template, for with_database true and false.  Exit 1 on a difference.
#
#   bench/compare.sh                 uses target/release/plat (build it first)
#   PLAT=/path/to/plat bench/compare.sh
#   STRICT_MANIFEST=1 bench/compare.sh   also fail when platform.yaml differs
#
# Content: `diff -r` of the two orders-api/ trees.  platform.yaml is compared
# on its own: plat writes platform.yaml from the template's manifest, the peer
# template ships a templated platform.yaml (see bench/README.md); a difference
# there is printed, and only fails with STRICT_MANIFEST=1.
# Modes: executable files are listed (kickstart drops the executable bit of
# rendered files, plat keeps it as the other peers do: scripts/dev.sh).
# Git: one extra plat run per size WITH git must give one commit, a clean
# work tree and the same files as the --no-git run.
set -uo pipefail
B=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$B")
export BENCH_WORK=${BENCH_WORK:-$B/work}
PLAT=${PLAT:-$ROOT/target/release/plat}
P=$("$B/setup-peers.sh") || exit 1
[ -x "$PLAT" ] || { echo "compare: no plat binary at $PLAT (cargo build --release)" >&2; exit 1; }
python3 "$B/gen-large.py" "$BENCH_WORK/templates/large" >/dev/null || exit 1
O=$BENCH_WORK/compare
rm -rf "$O"; mkdir -p "$O"
# The outputs may sit inside this repository (bench/work): stop plat (and
# git) from seeing it, so the git run makes its own repository.
export GIT_CEILING_DIRECTORIES=$(dirname "$O")   # a ceiling applies to the directories below it
export GIT_AUTHOR_NAME="plat bench" GIT_AUTHOR_EMAIL="bench@example.invalid"
export GIT_COMMITTER_NAME="plat bench" GIT_COMMITTER_EMAIL="bench@example.invalid"
status=0

execs() { (cd "$1" && find . -path ./.git -prune -o -type f -perm -u+x -print | sort | tr '\n' ' '); }

for size in small large; do
  case $size in small) tpl=$B/templates/service ;; large) tpl=$BENCH_WORK/templates/large ;; esac
  for db in true false; do
    if [ $db = true ]; then answers=$P/answers.json; else answers=$P/answers-nodb.json; fi
    k=$O/kickstart-$size-$db
    ANSWER_DB=$db sh "$P/gen.sh" kickstart $size "$k" >"$k.log" 2>&1 \
      || { echo "FAIL kickstart $size db=$db (see $k.log)"; status=1; continue; }
    p=$O/plat-$size-$db
    if ! "$PLAT" new "$tpl" orders-api --no-input --values "$answers" \
        --output "$p/orders-api" --no-git >"$p.log" 2>&1; then
      echo "FAIL plat $size db=$db: exit $?; output:"; sed 's/^/    /' "$p.log"; status=1; continue
    fi
    n=$(find "$k/orders-api" -type f | wc -l)
    if diff -r -x platform.yaml "$k/orders-api" "$p/orders-api" >"$p.diff" 2>&1; then
      echo "$size db=$db: same content as kickstart ($n files, platform.yaml aside)"
    else
      echo "$size db=$db: CONTENT DIFFERS from kickstart ($n files):"; sed 's/^/    /' "$p.diff" | head -40
      status=1
    fi
    extra=$(cd "$p/orders-api" && find . -name platform.yaml ! -path ./platform.yaml)
    [ -z "$extra" ] || { echo "    unexpected: $extra"; status=1; }
    if cmp -s "$k/orders-api/platform.yaml" "$p/orders-api/platform.yaml"; then
      echo "    platform.yaml: identical"
    else
      echo "    platform.yaml: DIFFERS (plat writes its manifest; see bench/README.md)"
      if [ -z "${manifest_shown:-}" ]; then  # once; the other cases differ alike
        diff -u "$k/orders-api/platform.yaml" "$p/orders-api/platform.yaml" | sed 's/^/      /' | head -40
        manifest_shown=1
      fi
      [ -z "${STRICT_MANIFEST:-}" ] || status=1
    fi
    echo "    executable: kickstart: $(execs "$k/orders-api")| plat: $(execs "$p/orders-api")"
    echo "    db.src present: kickstart $([ -f "$k/orders-api/src/db.src" ] && echo yes || echo no)," \
         "plat $([ -f "$p/orders-api/src/db.src" ] && echo yes || echo no)"
  done
  # WITH git: init + first commit
  g=$O/plat-$size-git
  if ! "$PLAT" new "$tpl" orders-api --no-input --values "$P/answers.json" \
      --output "$g/orders-api" >"$g.log" 2>&1; then
    echo "FAIL plat $size with git: exit $?; output:"; sed 's/^/    /' "$g.log"; status=1; continue
  fi
  commits=$(git -C "$g/orders-api" rev-list --count HEAD 2>&1)
  dirty=$(git -C "$g/orders-api" status --porcelain --untracked-files=all 2>&1)
  tracked=$(git -C "$g/orders-api" ls-files 2>/dev/null | wc -l)
  same=yes; diff -r -x .git "$O/plat-$size-true/orders-api" "$g/orders-api" >/dev/null 2>&1 || same=no
  echo "$size with git: commits=$commits, tracked files=$tracked, clean=$([ -z "$dirty" ] && echo yes || echo NO)," \
       "same files as --no-git: $same, branch=$(git -C "$g/orders-api" symbolic-ref --short HEAD 2>&1)," \
       "author=$(git -C "$g/orders-api" log -1 --format='%an <%ae>' 2>&1)"
  [ "$commits" = 1 ] && [ -z "$dirty" ] && [ $same = yes ] || status=1
done
exit $status
