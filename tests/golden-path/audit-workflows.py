#!/usr/bin/env python3
"""Supply-chain audit of GitHub workflows: every `uses:` pinned by a full
commit SHA with the version as a comment, every checkout without persisted
credentials, no `${{ ... }}` inside a `run:` script, every job with explicit
permissions. Prints each problem; exit 1 if there is any.

    audit-workflows.py WORKFLOW...
    audit-workflows.py --extract DOC OUTDIR   write DOC's ```yaml blocks whose
                                              first line is `# PATH` to OUTDIR/PATH
"""
import os
import re
import sys

import yaml

PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s*([^@\s]+)@([0-9a-f]{40})\s+#\s*\S+")


def audit(path):
    problems = []
    text = open(path, encoding="utf-8").read()
    for n, line in enumerate(text.splitlines(), 1):
        if re.match(r"^\s*(?:-\s+)?uses:", line):
            target = line.split("uses:", 1)[1].strip()
            if target.startswith("./") or target.startswith("docker://"):
                continue
            if not PINNED.match(line):
                problems.append(f"{path}:{n}: not pinned by a 40-hex commit SHA with a `# version` comment: {line.strip()}")
    doc = yaml.safe_load(text)
    jobs = (doc or {}).get("jobs") or {}
    if not jobs:
        problems.append(f"{path}: no jobs")
    for name, job in jobs.items():
        if "permissions" not in job:
            problems.append(f"{path}: job `{name}` has no explicit `permissions`")
        for i, step in enumerate(job.get("steps") or []):
            where = f"{path}: job `{name}` step {i + 1}"
            uses = step.get("uses", "")
            if uses.startswith("actions/checkout@"):
                if (step.get("with") or {}).get("persist-credentials") is not False:
                    problems.append(f"{where}: actions/checkout without `persist-credentials: false`")
            if "${{" in str(step.get("run", "")):
                problems.append(f"{where}: `${{{{ ... }}}}` inside `run:`; pass it through `env:`")
    return problems


def extract(doc, outdir):
    text = open(doc, encoding="utf-8").read()
    written = []
    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        first = block.splitlines()[0] if block.strip() else ""
        m = re.match(r"#\s+(\.\S+)$", first)
        if not m:
            continue
        out = os.path.join(outdir, m.group(1))
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "w", encoding="utf-8") as f:
            f.write(block)
        written.append(m.group(1))
    print("extracted:", " ".join(written))
    return 0 if written else 1


def main(argv):
    if argv[:1] == ["--extract"] and len(argv) == 3:
        return extract(argv[1], argv[2])
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    problems = [p for path in argv for p in audit(path)]
    for p in problems:
        print(p)
    if not problems:
        print(f"ok: {len(argv)} workflow(s): every action pinned, no persisted credentials, no expression in run:, explicit permissions")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
