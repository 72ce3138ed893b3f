#!/usr/bin/env python3
"""Pool the CSVs of bench/doctor/run.sh into a Markdown report: table, ratios, targets.

    report.py [--note TEXT]... [--load-start "$(cat /proc/loadavg)"] [--load-end ...] CSV...

CSV rows come from timeit.py (round,label,run,wall_ms,maxrss_kib,cpu_ms,rc,floor_kib).
Timing statistics use the timed runs (run >= 1); run 0 rows are warm-ups that
only contribute their peak RSS (measured by GNU time). Every ratio divides a
plat row by its baseline row measured in the SAME run (interleaved rounds):
pooled median / pooled median, and per round.

Peak RSS: the largest exact value of a row: GNU time's (run 0), and wait4's
of the timed runs where it is above the floor (python's own peak RSS, which
Linux counts in a child's ru_maxrss; see timeit.py). With no exact value the
column shows "<= floor" (an upper bound).
Exit status: 0 if every target passes, 1 otherwise.
"""
import argparse
import csv
import math
import statistics

# plat row -> (baseline row, what the row runs)
PAIRS = {"doctor-one": "base-one", "doctor-all": "base-all"}
WHAT = {
    "doctor-one": "`plat doctor SVC --format json` (one generated service)",
    "base-one": "baseline: `find SVC -path SVC/.git -prune -o -type f -exec cat {} +`",
    "doctor-all": "`plat doctor --all TREE --format json`",
    "base-all": "baseline: `find TREE -name platform.yaml -not -path '*/node_modules/*' -not -path '*/target/*'`",
}
MB_KIB = 100e6 / 1024  # 100 MB in KiB


def load(paths):
    rows, order = {}, []
    for p in paths:
        with open(p) as fh:
            for r in csv.DictReader(fh):
                label = r["label"]
                if label not in rows:
                    rows[label] = []
                    order.append(label)
                rows[label].append({"round": int(r["round"]), "run": int(r["run"]), "wall": float(r["wall_ms"]),
                                    "rss": int(r["maxrss_kib"]), "cpu": float(r["cpu_ms"]), "rc": int(r["rc"]),
                                    "floor": int(r.get("floor_kib") or 0)})
    return rows, order


def pct(xs, p):
    xs = sorted(xs)
    return xs[max(0, math.ceil(p * len(xs)) - 1)]


def stats(all_rs):
    rs = [r for r in all_rs if r["run"] >= 1]
    w = [r["wall"] for r in rs]
    exact = [r["rss"] for r in all_rs if r["run"] == 0 or (r["floor"] and r["rss"] > r["floor"] * 1.02)]
    bound = max(r["rss"] for r in all_rs)
    return {"n": len(rs), "med": statistics.median(w), "p90": pct(w, 0.9), "min": min(w), "max": max(w),
            "cpu": statistics.median(r["cpu"] for r in rs),
            "rss": max(exact) if exact else bound, "rss_exact": bool(exact),
            "codes": sorted({r["rc"] for r in rs}),
            "rounds": {k: statistics.median(r["wall"] for r in rs if r["round"] == k)
                       for k in sorted({r["round"] for r in rs})}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--note", action="append", default=[])
    ap.add_argument("--load-start")
    ap.add_argument("--load-end")
    ap.add_argument("csv", nargs="+")
    a = ap.parse_args()
    rows, order = load(a.csv)
    st = {k: stats(v) for k, v in rows.items()}

    print("# plat doctor benchmark")
    print()
    for n in a.note:
        print("* " + n)
    if a.load_start or a.load_end:
        print("* load average (/proc/loadavg) at start: `%s`, at end: `%s`" % (
            (a.load_start or "?").strip(), (a.load_end or "?").strip()))
    print()
    print("| row | runs | wall ms median | p90 | min | cpu ms median | vs baseline: wall (cpu) | per round (wall) | peak RSS MiB | exit |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for label in order:
        s = st[label]
        ratio, rounds = "", ""
        base = st.get(PAIRS.get(label, ""))
        if base:
            ratio = "**%.2fx** (%.2fx)" % (s["med"] / base["med"], s["cpu"] / base["cpu"] if base["cpu"] else float("nan"))
            rounds = " / ".join("%.2fx" % (s["rounds"][k] / base["rounds"][k])
                                for k in s["rounds"] if k in base["rounds"])
        print("| %s | %d | **%.1f** | %.1f | %.1f | %.1f | %s | %s | %s%.1f | %s |" % (
            label, s["n"], s["med"], s["p90"], s["min"], s["cpu"], ratio, rounds,
            "" if s["rss_exact"] else "<= ", s["rss"] / 1024,
            ",".join(map(str, s["codes"]))))
    print()
    for label in order:
        print("* `%s`: %s" % (label, WHAT.get(label, "")))
    print()

    print("| target | measured | pass |")
    print("| --- | --- | --- |")
    ok_all = True

    def target(text, label, key, limit, fmt):
        nonlocal ok_all
        s = st.get(label)
        if not s:
            print("| %s | no `%s` row | **FAIL** |" % (text, label))
            ok_all = False
            return
        v = s[key]
        ok = v < limit
        ok_all &= ok
        base = st.get(PAIRS[label])
        extra = ""
        if base and key == "med":
            extra = "; %.2fx its baseline (%.1f ms)" % (v / base["med"], base["med"])
        print("| %s | %s%s | %s |" % (text, fmt(v), extra, "PASS" if ok else "**FAIL**"))

    target("`plat doctor` one service: median < 20 ms", "doctor-one", "med", 20.0, lambda v: "%.1f ms" % v)
    target("`plat doctor --all` tree: median < 1000 ms", "doctor-all", "med", 1000.0, lambda v: "%.1f ms" % v)
    target("`plat doctor --all` tree: peak RSS < 100 MB (95.4 MiB)", "doctor-all", "rss", MB_KIB,
           lambda v: "%s%.1f MiB (%.1f MB)" % ("" if st["doctor-all"]["rss_exact"] else "<= ", v / 1024, v * 1024 / 1e6))
    print()
    print("All targets met." if ok_all else "**Not all targets met.**")
    raise SystemExit(0 if ok_all else 1)


if __name__ == "__main__":
    main()
