#!/usr/bin/env python3
"""How plat's git step scales with the size of a project.

    python3 bench/git-scaling.py [--plat PATH] [--sizes 1000,5000,20000] [-n 7]

For each size N, a template of the 45-file service plus N small rendered
files (bench/gen-large.py --files N) is generated with and without git
(`plat new ... --no-git`), n runs each, interleaved; outputs on tmpfs. The git
cost per file is (median with git - median without) / files written, and the
target is that it stays flat: the largest size's cost per file at most 1.25x
the smallest's, in wall time and in cpu time (user+sys, steadier on a busy
machine). Also prints peak RSS (GNU time) per row.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.environ.get("PEERS", os.path.join(HERE, "work", "peers"))


def run(argv, env):
    """Wall seconds, cpu seconds (user+sys) and peak KiB of one run."""
    peak = tempfile.NamedTemporaryFile(delete=False)
    peak.close()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", peak.name, "--"] + argv, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with open(peak.name) as fh:
        kib = int(fh.read().split()[-1])
    os.unlink(peak.name)
    return wall, cpu, kib


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plat", default=os.path.join(ROOT, "target", "release", "plat"))
    ap.add_argument("--sizes", default="1000,5000,20000")
    ap.add_argument("-n", type=int, default=7)
    a = ap.parse_args()
    answers = os.path.join(PEERS, "answers.json")
    if not os.path.exists(answers):
        sys.exit("git-scaling: no %s; run bench/setup-peers.sh first (or set PEERS)" % answers)
    env = dict(os.environ, GIT_AUTHOR_NAME="plat bench", GIT_AUTHOR_EMAIL="bench@example.invalid",
               GIT_COMMITTER_NAME="plat bench", GIT_COMMITTER_EMAIL="bench@example.invalid")
    work = os.path.join(HERE, "work", "scaling")
    out = "/dev/shm/plat-scaling" if os.path.isdir("/dev/shm") else os.path.join(work, "out")
    rows = []
    for size in [int(s) for s in a.sizes.split(",")]:
        tpl = os.path.join(work, "t%d" % size)
        subprocess.run([sys.executable, os.path.join(HERE, "gen-large.py"), tpl, "--files", str(size)],
                       check=True, stdout=subprocess.DEVNULL)
        files = sum(len(f) for _, _, f in os.walk(os.path.join(tpl, "files"))) + 1  # + platform.yaml
        times = {"git": [], "no-git": []}
        cpus = {"git": [], "no-git": []}
        peaks = {"git": [], "no-git": []}
        for i in range(a.n + 1):
            for mode in ("git", "no-git"):
                shutil.rmtree(out, ignore_errors=True)
                os.makedirs(out)
                argv = [a.plat, "new", tpl, "orders-api", "--no-input", "--values", answers,
                        "--output", os.path.join(out, "orders-api")]
                if mode == "no-git":
                    argv.append("--no-git")
                wall, cpu, kib = run(argv, env)
                if i > 0:  # the first round warms the page cache
                    times[mode].append(wall)
                    cpus[mode].append(cpu)
                    peaks[mode].append(kib)
        shutil.rmtree(out, ignore_errors=True)
        g, ng = statistics.median(times["git"]), statistics.median(times["no-git"])
        cg, cng = statistics.median(cpus["git"]), statistics.median(cpus["no-git"])
        per_file = (g - ng) / files * 1e6
        cpu_per_file = (cg - cng) / files * 1e6
        rows.append((size, files, per_file, cpu_per_file))
        print("%6d files: with git %7.1f ms (cpu %7.1f), without %7.1f ms (cpu %7.1f); "
              "git %5.1f us/file (cpu %5.1f); peak %5.1f / %5.1f MiB"
              % (files, g * 1e3, cg * 1e3, ng * 1e3, cng * 1e3, per_file, cpu_per_file,
                 max(peaks["git"]) / 1024, max(peaks["no-git"]) / 1024), flush=True)
    for i, what in ((2, "wall"), (3, "cpu")):
        first, last = rows[0][i], rows[-1][i]
        ratio = last / first if first > 0 else float("inf")
        print("git cost per file (%s), %d vs %d files: %.2fx (target <= 1.25x): %s"
              % (what, rows[-1][1], rows[0][1], ratio, "yes" if ratio <= 1.25 else "NO"))


if __name__ == "__main__":
    main()
