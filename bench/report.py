#!/usr/bin/env python3
"""Pool the two raw CSVs of bench/run.sh and print a Markdown table, ratios and targets.

    report.py RAW_A RAW_B

RAW_A: the peers' run.sh with plat --no-git as extra/small, extra/large.
RAW_B: the peers' run.sh (kickstart + reference rows) with plat WITH git as extra rows.
Ratios divide plat's pooled median wall time by the kickstart median of the SAME run.
"""
import statistics
import sys

MB = 1e6 / 2**20  # 10 MB = 9.54 MiB


def load(path):
    runs, order = {}, []
    with open(path) as fh:
        for line in fh:
            label, wall, cpu, peak, code = line.rstrip("\n").rsplit(",", 4)
            if label not in runs:
                runs[label] = []
                order.append(label)
            runs[label].append((float(wall), float(cpu), float(peak), int(code)))
    return runs, order


def stats(rs):
    w = [r[0] for r in rs]
    return {
        "n": len(rs), "min": min(w), "med": statistics.median(w), "max": max(w),
        "cpu": statistics.median(r[1] for r in rs),
        "peak": statistics.median(r[2] for r in rs), "peak_max": max(r[2] for r in rs),
        "codes": sorted({r[3] for r in rs}),
    }


def main():
    a, a_order = load(sys.argv[1])
    b, b_order = load(sys.argv[2])
    names = {
        "extra/small": ("plat small (--no-git)", "plat small (git init + commit)"),
        "extra/large": ("plat large (--no-git)", "plat large (git init + commit)"),
    }
    rows = []  # (run, label, stats, ratio-vs-kickstart)
    for run, runs, order in (("A", a, a_order), ("B", b, b_order)):
        for label in order:
            s = stats(runs[label])
            shown = names[label][0 if run == "A" else 1] if label in names else label
            size = "large" if label.endswith("/large") else "small"
            ks = runs.get("kickstart/" + size)
            ratio = None
            if ks and label in names:
                k = stats(ks)
                ratio = (s["med"] / k["med"], s["cpu"] / k["cpu"])
            rows.append((run, shown, s, ratio, label))

    print("| run | row | wall s min/**median**/max | cpu s | peak MiB (median/max) | vs kickstart (same run): wall (cpu) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for run, shown, s, ratio, _ in rows:
        bad = "" if s["codes"] == [0] else " **exit %s**" % s["codes"]
        print("| %s | %s%s | %.3f/**%.3f**/%.3f | %.3f | %.1f/%.1f | %s |" % (
            run, shown, bad, s["min"], s["med"], s["max"], s["cpu"], s["peak"], s["peak_max"],
            "**%.2fx** (%.2fx)" % ratio if ratio is not None else ""))

    def get(run, label):
        for r in rows:
            if r[0] == run and r[4] == label:
                return r
        return None

    print()
    print("| target | measured | pass |")
    print("| --- | --- | --- |")
    ok_all = True

    def target(text, run, label, ref_run, ref_label, limit):
        nonlocal ok_all
        r, k = get(run, label), get(ref_run, ref_label)
        if not r or not k:
            print("| %s | (row missing) | ? |" % text)
            return
        ratio = r[2]["med"] / k[2]["med"]
        ok = ratio <= limit and r[2]["codes"] == [0]
        ok_all &= ok
        print("| %s | wall %.3f s / %.3f s = %.2fx (cpu %.2fx) | %s |" % (
            text, r[2]["med"], k[2]["med"], ratio, r[2]["cpu"] / k[2]["cpu"], "yes" if ok else "**NO**"))

    target("45 files, WITH git init+commit <= 0.8x kickstart small (no git)", "B", "extra/small", "B", "kickstart/small", 0.8)
    target("1,045 files, --no-git <= 0.5x kickstart large", "A", "extra/large", "A", "kickstart/large", 0.5)
    target("1,045 files, WITH git <= 1.0x kickstart large", "B", "extra/large", "B", "kickstart/large", 1.0)
    plat = [r for r in rows if r[4] in names]
    if plat:
        worst = max(r[2]["peak_max"] for r in plat)
        worst_med = max(r[2]["peak"] for r in plat)
        ok = worst <= 10 * MB
        ok_all &= ok
        print("| peak RSS <= 10 MB (%.2f MiB), largest single process, every plat run | median %.1f MiB, max %.1f MiB (%.1f MB) | %s |"
              % (10 * MB, worst_med, worst, worst / MB, "yes" if ok else "**NO**"))
    for run, runs in (("A", a), ("B", b)):
        if "calib" in runs:
            print("\ncalib (fixed CPU work) run %s: median %.3f s (the peers' README measured 0.201 s)" % (run, stats(runs["calib"])["med"]))
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
