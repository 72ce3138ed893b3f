#!/usr/bin/env python3
"""Check what `plat doctor` reported on the generated tree (not timed).

    check.py TREE ALL_JSON [ONE_JSON ONE_SERVICE_PATH]

TREE/.complete (gen-tree.py) lists the real services and the decoys. ALL_JSON
is the output of `plat doctor --all TREE --format json`, ONE_JSON the output
of `plat doctor SVC --format json`. The JSON shape is read loosely: a service
or decoy counts as reported when some string in the output names its path
(absolute or relative to TREE); a finding is any object with a `severity` or
`level` key, attributed to the service whose path appears in the nearest
enclosing object. Prints Markdown: services found, decoys found (must be 0),
findings per check and severity, and error-level findings other than the
git-repository check on services made with --no-git.
Exit status 1 if a decoy or fewer than all services were reported.
"""
import json
import os
import sys

SEV_KEYS = ("severity", "level")
ID_KEYS = ("check", "id", "rule", "ruleId", "code", "check_id")
STATUS = {}  # status of every check result seen (pass/fail/skip)


def strings(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            out.append(str(k))
            strings(v, out)
    elif isinstance(node, list):
        for v in node:
            strings(v, out)
    elif isinstance(node, str):
        out.append(node)
    return out


def owner_of(node, paths):
    """The service path named by a string field of node or of an object in node."""
    if not isinstance(node, dict):
        return None
    for v in list(node.values()) + [w for v in node.values() if isinstance(v, dict) for w in v.values()]:
        if isinstance(v, str):
            p = paths(v)
            if p:
                return p
    return None


def findings(node, paths, ctx=None, out=None):
    out = [] if out is None else out
    if isinstance(node, dict):
        ctx = owner_of(node, paths) or ctx
        sev = next((node[k] for k in SEV_KEYS if isinstance(node.get(k), str)), None)
        status = node.get("status")
        if sev is not None and isinstance(status, str):
            STATUS[status] = STATUS.get(status, 0) + 1
        # a check result that passed, was skipped or is suppressed is no finding
        if sev is not None and (status in (None, "fail") and not node.get("suppressed")):
            cid = next((str(node[k]) for k in ID_KEYS if k in node and isinstance(node[k], (str, int))), "?")
            msg = node.get("message") or node.get("title") or ""
            out.append({"service": ctx, "severity": sev.lower(), "check": cid, "message": str(msg)})
        for v in node.values():
            if isinstance(v, (dict, list)):
                findings(v, paths, ctx, out)
    elif isinstance(node, list):
        for v in node:
            findings(v, paths, ctx, out)
    return out


def load_json(path):
    with open(path) as fh:
        text = fh.read()
    try:
        return json.loads(text)
    except ValueError:
        # One document per line (NDJSON)?
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def main():
    if len(sys.argv) not in (3, 5):
        sys.exit(__doc__)
    tree = os.path.abspath(sys.argv[1])
    with open(os.path.join(tree, ".complete")) as fh:
        meta = json.load(fh)
    services = {s["path"]: s for s in meta["services"]}
    decoys = {d["path"]: d for d in meta["decoys"]}

    def norm(s):
        s = s.rstrip("/")
        if s.startswith(tree + "/"):
            s = s[len(tree) + 1:]
        elif s.startswith("./"):
            s = s[2:]
        return s

    def paths(s):
        s = norm(s)
        for cand in (s, os.path.dirname(s)):
            if cand in services:
                return cand
        return None

    all_doc = load_json(sys.argv[2])
    seen = set()
    for s in strings(all_doc, []):
        n = norm(s)
        for cand in (n, os.path.dirname(n)):
            if cand in services or cand in decoys:
                seen.add(cand)
    found = sorted(p for p in seen if p in services)
    bad = sorted(p for p in seen if p in decoys)
    missing = sorted(set(services) - set(found))
    ok = not bad and not missing

    print("### What `plat doctor --all` reported")
    print()
    print("* services: %d of %d found%s" % (len(found), len(services),
          "" if not missing else "; **missing**: " + ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")))
    print("* decoys: %d of %d reported%s" % (len(bad), len(decoys),
          " (**should be 0**): " + ", ".join("%s (%s)" % (p, decoys[p]["kind"]) for p in bad) if bad else " (good)"))
    STATUS.clear()
    fs = findings(all_doc, paths)
    print("* findings (failed, not suppressed): %d%s" % (len(fs), "; check results: " + ", ".join(
        "%d %s" % (v, k) for k, v in sorted(STATUS.items())) if STATUS else ""))
    if fs:
        print()
        print("| check | severity | services with it | git services | example message |")
        print("| --- | --- | --- | --- | --- |")
        by = {}
        for f in fs:
            by.setdefault((f["check"], f["severity"]), []).append(f)
        for (cid, sev), group in sorted(by.items()):
            svcs = {f["service"] for f in group if f["service"]}
            gits = sum(1 for p in svcs if services[p]["git"])
            msg = group[0]["message"].replace("|", "\\|").replace("\n", " ")
            print("| %s | %s | %d | %d | %s |" % (cid, sev, len(svcs), gits, msg[:160]))
        unexpected = [f for f in fs if f["severity"] == "error" and not (
            f["check"] in ("PLAT200", "git-repository") and f["service"] and not services[f["service"]]["git"]
            and not services[f["service"]]["path"].startswith("monorepo/"))]
        print()
        print("Error-level findings other than PLAT200 (git-repository) on `repos/` services made with --no-git: %d"
              % len(unexpected))
        for f in unexpected[:15]:
            print("* %s: %s %s" % (f["service"], f["check"], f["message"].replace("\n", " ")[:200]))

    if len(sys.argv) == 5:
        one = load_json(sys.argv[3])
        rel = norm(os.path.abspath(sys.argv[4]))
        STATUS.clear()
        fs1 = findings(one, lambda s: rel)
        print()
        print("### What `plat doctor %s` reported" % rel)
        print()
        print("* check results: %s" % ", ".join("%d %s" % (v, k) for k, v in sorted(STATUS.items())))
        print("* findings (failed, not suppressed): %d%s" % (len(fs1), "" if not fs1 else ": " + "; ".join(
            "%s %s %s" % (f["check"], f["severity"], f["message"].replace("\n", " ")[:120]) for f in fs1)))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
