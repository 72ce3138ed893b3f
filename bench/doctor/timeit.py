#!/usr/bin/env python3
"""Time one command: N runs (after W warm-up runs), one CSV row per run.

    timeit.py --csv FILE --round R --label LABEL [--runs N] [--warmup W] [--ok 0,1] -- CMD ARG...

The command is started directly (no shell), stdin and stdout on /dev/null,
stderr kept in a temporary file and printed if the exit code is not in --ok
(then timeit.py exits 1). Per run: wall time (time.perf_counter around
fork/exec and wait4), the child's user+sys cpu time and its peak RSS
(os.wait4's rusage: ru_maxrss in KiB on Linux, the largest of the child and
the descendants it waited for, e.g. the `cat`s under `find -exec`).

Caveat, and why warm-up runs go through GNU time: Linux counts the memory a
child had before exec in its ru_maxrss, and a child forked (or vforked) by
python starts with python's own resident set, so wait4's value is never below
python's peak RSS (about 14 MiB, the `floor_kib` column). A value at the floor
is only an upper bound. So when /usr/bin/time exists, the warm-up runs are
started as `/usr/bin/time -f %M -o TMP CMD...`: a small C parent, whose %M is
the command's true peak (floor about 1.5 MiB). They are written as run 0
(wall_ms of a warm-up: not used for timing; maxrss_kib from GNU time).

CSV columns (appended; header written when FILE is new or empty):
    round,label,run,wall_ms,maxrss_kib,cpu_ms,rc,floor_kib
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

HEADER = "round,label,run,wall_ms,maxrss_kib,cpu_ms,rc,floor_kib\n"
GNU_TIME = "/usr/bin/time"


def run_once(cmd, err):
    err.seek(0)
    err.truncate()
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
    _, status, ru = os.wait4(p.pid, 0)
    t1 = time.perf_counter()
    p.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
    return (t1 - t0) * 1000.0, ru.ru_maxrss, (ru.ru_utime + ru.ru_stime) * 1000.0, p.returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", required=True)
    ap.add_argument("--round", type=int, default=1)
    ap.add_argument("--label", required=True)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--ok", default="0", help="accepted exit codes, comma-separated (default 0)")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        ap.error("no command after --")
    ok = {int(c) for c in a.ok.split(",")}
    rows = []
    gnu_time = os.access(GNU_TIME, os.X_OK)
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as rss_file:
        for i in range(a.warmup + a.runs):
            warm = i < a.warmup
            if warm and gnu_time:
                wall, rss, cpu, rc = run_once([GNU_TIME, "-f", "%M", "-o", rss_file.name] + cmd, err)
                rss_file.seek(0)
                lines = rss_file.read().split()
                rss = int(lines[-1]) if lines and lines[-1].isdigit() else -1
            else:
                wall, rss, cpu, rc = run_once(cmd, err)
            if rc not in ok:
                err.seek(0)
                sys.stderr.write("timeit: %s: exit %d (accepted: %s)\n  command: %s\n%s" % (
                    a.label, rc, a.ok, " ".join(cmd), err.read().decode(errors="replace")))
                sys.exit(1)
            floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            if not warm:
                rows.append("%d,%s,%d,%.3f,%d,%.3f,%d,%d\n" % (a.round, a.label, i - a.warmup + 1, wall, rss, cpu, rc, floor))
            elif gnu_time and rss >= 0:
                rows.append("%d,%s,0,%.3f,%d,%.3f,%d,0\n" % (a.round, a.label, wall, rss, cpu, rc))
    new = not os.path.exists(a.csv) or os.path.getsize(a.csv) == 0
    with open(a.csv, "a") as fh:
        if new:
            fh.write(HEADER)
        fh.writelines(rows)


if __name__ == "__main__":
    main()
