#!/usr/bin/env python3
"""Write the synthetic tree that bench/doctor/run.sh times `plat doctor --all` on.

    gen-tree.py OUT_DIR --plat PATH [--services 200] [--files 100000] [--seed 1]
    gen-tree.py OUT_DIR --plat none ...     # dry test: stub services, no plat needed

Deterministic for given parameters. Layout (TEAM = team-00..19, svc-NNN = the
services, generated with the real CLI, `PLAT new service svc-NNN --no-input
--no-git --output DIR --set owner=TEAM --set language=... --set ci=...
--set database=... --set cache=... --set environments=... --set port=...`,
two processes at a time):

    OUT/repos/TEAM/svc-NNN/              7 of every 10 services; the first
                                         GIT_SERVICES of them WITH git (plat new
                                         without --no-git: init + first commit)
    OUT/monorepo/services/svc-NNN/       2 of every 10
    OUT/monorepo/platform/AREA/services/svc-NNN/   1 of every 10 (deeper)
    OUT/monorepo/.gitignore              `build/`, `dist/`; the monorepo is a git
                                         repository (git init + one commit of
                                         .gitignore and README.md, services untracked)
                                         so the .gitignore applies as it would in a clone

and filler up to --files files in total (every file under OUT counts: the
services, their .git directories, the filler, the decoys and OUT/.complete):

    source   OUT/repos/TEAM/lib-NN/..., OUT/monorepo/libs/...     plain nested source
    node_modules  OUT/repos/TEAM/web-NN/node_modules/..., and inside some
             typescript services (svc/node_modules/...)            doctor must skip
    target   OUT/repos/TEAM/crate-NN/target/..., and inside some rust
             services (svc/target/...)                             doctor must skip
    ignored  OUT/monorepo/build/..., OUT/monorepo/dist/...         gitignored: skip
    dotgit   OUT/repos/TEAM/legacy-NN/.git/...  (junk, not a real repository) skip

Decoys: a valid-looking platform.yaml in node_modules, target, gitignored and
.git directories. `plat doctor --all OUT` must find the real services and none
of the decoys. OUT/.complete (JSON) holds the parameters, every service (path,
language, git or not) and every decoy; bench/doctor/check.py reads it.

Idempotent: if OUT/.complete exists with the same parameters (including the
sha256 of the plat binary), nothing is done. Otherwise OUT is removed (only if
it is empty or was written by this script) and written again.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys

TEAMS = 20
GIT_SERVICES = 10
LANGS = ["rust", "go", "python", "typescript"]
ENVS = [["dev", "staging", "prod"], ["dev", "prod"], ["dev", "staging", "prod"], ["staging", "prod"], ["dev"]]
AREAS = ["payments", "identity", "search", "data"]
# Share of the filler files per kind (the rest of --files after the services).
SHARES = [("source", 0.40), ("node_modules", 0.30), ("target", 0.15), ("ignored", 0.10), ("dotgit", 0.05)]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "plat bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "plat bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
}
WORDS = ("alpha beta gamma delta core util http grpc auth cache store queue event model "
         "config log metrics trace client server api handler route codec schema").split()
PARTIAL = ".gen-tree-partial"


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def service_specs(n):
    """Deterministic answers and location of every service."""
    specs = []
    in_repos = 0
    for i in range(n):
        name = "svc-%03d" % i
        team = "team-%02d" % (i % TEAMS)
        lang = LANGS[i % 4]
        kind = i % 10
        if kind < 7:
            rel = "repos/%s/%s" % (team, name)
            git = in_repos < GIT_SERVICES
            in_repos += 1
        elif kind < 9:
            rel, git = "monorepo/services/" + name, False
        else:
            rel, git = "monorepo/platform/%s/services/%s" % (AREAS[(i // 10) % len(AREAS)], name), False
        specs.append({
            "name": name, "path": rel, "git": git, "owner": team, "language": lang,
            "ci": "github" if (i // 4) % 2 == 0 else "gitlab",
            "database": "postgres" if i % 3 == 0 else "none",
            "cache": "redis" if i % 5 == 0 else "none",
            "environments": ENVS[(i // 2) % len(ENVS)],
            "port": 8000 + i,
        })
    return specs


def make_service(plat, out, s):
    dest = os.path.join(out, s["path"])
    if plat == "none":
        os.makedirs(dest)
        with open(os.path.join(dest, "platform.yaml"), "w") as fh:
            fh.write("apiVersion: plat.dev/v1\nkind: Service\nmetadata:\n  name: %s\n  owner: %s\n"
                     % (s["name"], s["owner"]))
        with open(os.path.join(dest, "README.md"), "w") as fh:
            fh.write("# %s\n" % s["name"])
        if s["git"]:
            git(["init", "-q", "-b", "main"], dest)
            git(["add", "-A"], dest)
            git(["commit", "-q", "-m", "Initial commit"], dest)
        return
    cmd = [plat, "new", "service", s["name"], "--no-input", "-q", "--output", dest]
    for k in ("owner", "language", "ci", "database", "cache", "port"):
        cmd += ["--set", "%s=%s" % (k, s[k])]
    cmd += ["--set", "environments=" + ",".join(s["environments"])]
    if not s["git"]:
        cmd.append("--no-git")
    env = dict(os.environ, **GIT_ENV)
    r = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise SystemExit("gen-tree: %s failed (exit %d): %s" % (" ".join(cmd), r.returncode, r.stderr.strip()))


def count_files(root):
    n = 0
    for _, _, files in os.walk(root):
        n += len(files)
    return n


class Filler:
    """Writes nested directories of small files; content depends only on the path."""

    def __init__(self, rng):
        self.rng = rng
        self.written = 0

    def write(self, path, text=None):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if text is None:
            n = self.rng.randint(1, 24)
            text = "// %s\n%s" % (os.path.basename(path), "".join(
                "let %s_%d = %d;\n" % (WORDS[(j * 7 + n) % len(WORDS)], j, j * n) for j in range(n)))
        with open(path, "w") as fh:
            fh.write(text)
        self.written += 1

    def tree(self, root, nfiles, exts, depth=3, per_dir=(6, 30), names=WORDS):
        """nfiles files under root, in directories up to `depth` levels deep."""
        left = nfiles
        d = 0
        while left > 0:
            parts = [names[self.rng.randrange(len(names))] + ("-%d" % d if k == 0 else "")
                     for k in range(self.rng.randint(1, depth))]
            k = min(left, self.rng.randint(*per_dir))
            base = os.path.join(root, *parts)
            for j in range(k):
                self.write(os.path.join(base, "f%03d.%s" % (j, exts[j % len(exts)])))
            left -= k
            d += 1

    def node_modules(self, root, nfiles):
        """A node_modules/ of packages with package.json, lib/, and nested node_modules."""
        left, p = nfiles, 0
        while left > 0:
            pkg = os.path.join(root, "node_modules", "%s-%s-%d" % (WORDS[p % len(WORDS)], WORDS[(p * 3) % len(WORDS)], p))
            k = min(left, self.rng.randint(5, 60))
            self.write(os.path.join(pkg, "package.json"), '{"name": "pkg-%d", "version": "1.0.%d"}\n' % (p, p))
            if k > 1:
                nested = k // 3 if k > 20 else 0
                self.tree(os.path.join(pkg, "lib"), k - 1 - nested, ["js", "d.ts", "js.map"], depth=2, per_dir=(4, 20))
                if nested:
                    self.tree(os.path.join(pkg, "node_modules", "dep-%d" % p), nested, ["js", "json"], depth=2)
            left -= k
            p += 1

    def target(self, root, nfiles):
        """A cargo target/: debug/deps, debug/build/*/out, debug/incremental."""
        t = os.path.join(root, "target", "debug")
        a = nfiles // 3
        self.tree(os.path.join(t, "deps"), a, ["rlib", "rmeta", "d", "o"], depth=1, per_dir=(50, 200))
        self.tree(os.path.join(t, "build"), a, ["rs", "o", "stamp"], depth=2)
        self.tree(os.path.join(t, "incremental"), nfiles - 2 * a, ["bin", "o"], depth=2, per_dir=(10, 40))


DECOY = """apiVersion: plat.dev/v1
kind: Service
metadata:
  name: %s
  owner: team-decoy
  description: A decoy that plat doctor --all must not find (%s)
"""


def decoy(filler, out, rel, kind, decoys):
    filler.write(os.path.join(out, rel, "platform.yaml"), DECOY % ("decoy-%d" % len(decoys), kind))
    decoys.append({"path": rel, "kind": kind})


def git(args, cwd):
    subprocess.run(["git"] + args, cwd=cwd, check=True, env=dict(os.environ, **GIT_ENV),
                   stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--plat", required=True, help="path to the plat binary, or `none` for stub services")
    ap.add_argument("--services", type=int, default=200)
    ap.add_argument("--files", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    plat = a.plat if a.plat == "none" else os.path.abspath(a.plat)
    params = {"services": a.services, "files": a.files, "seed": a.seed,
              "plat": "none" if plat == "none" else sha256(plat), "layout": 1}

    marker = os.path.join(out, ".complete")
    if os.path.exists(marker):
        with open(marker) as fh:
            meta = json.load(fh)
        if meta.get("params") == params:
            print(meta["summary"])
            return
    if os.path.exists(out):
        if os.listdir(out) and not (os.path.exists(marker) or os.path.exists(os.path.join(out, PARTIAL))):
            sys.exit("gen-tree: %s exists and was not written by gen-tree.py; not removing it" % out)
        shutil.rmtree(out)
    os.makedirs(out)
    open(os.path.join(out, PARTIAL), "w").close()

    rng = random.Random(a.seed)
    specs = service_specs(a.services)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        for f in [pool.submit(make_service, plat, out, s) for s in specs]:
            f.result()

    # The monorepo is a repository (so its .gitignore applies, as in a clone).
    mono = os.path.join(out, "monorepo")
    os.makedirs(mono, exist_ok=True)
    filler = Filler(rng)
    filler.write(os.path.join(mono, ".gitignore"), "# build output\nbuild/\ndist/\n")
    filler.write(os.path.join(mono, "README.md"), "# monorepo\n")
    git(["init", "-q", "-b", "main"], mono)
    git(["add", ".gitignore", "README.md"], mono)
    git(["commit", "-q", "-m", "Initial commit"], mono)

    have = count_files(out) - 1  # not the PARTIAL marker
    budget = a.files - have - 1  # - .complete
    if budget < 0:
        sys.exit("gen-tree: the services alone are %d files, more than --files %d" % (have, a.files))
    before = filler.written
    decoys = []
    share = {k: int(budget * f) for k, f in SHARES}
    share["source"] += budget - sum(share.values())

    # Heavy directories inside some services (never the first git service, the one
    # bench/doctor/run.sh times alone): node_modules in every 3rd typescript one,
    # target/ in every 3rd rust one; a quarter of those kinds' budget.
    ts = [s for s in specs if s["language"] == "typescript"][::3]
    rs = [s for s in specs if s["language"] == "rust" and s is not specs[0]][::3]
    for kind, group, fn in (("node_modules", ts, filler.node_modules), ("target", rs, filler.target)):
        if not group:
            continue
        part = share[kind] // 4
        for j, s in enumerate(group):
            fn(os.path.join(out, s["path"]), part // len(group) + (1 if j < part % len(group) else 0))
        share[kind] -= part
    if ts:
        decoy(filler, out, ts[0]["path"] + "/node_modules/@acme/service-kit", "node_modules", decoys)
    if rs:
        decoy(filler, out, rs[0]["path"] + "/target/debug/build/kit-0/out", "target", decoys)

    # Stand-alone projects next to the services.
    def spread(kind, nproj, fn, place):
        n = share[kind]
        for j in range(nproj):
            fn(place(j), n // nproj + (1 if j < n % nproj else 0))

    team = lambda j: "team-%02d" % (j % TEAMS)
    spread("node_modules", 10, filler.node_modules, lambda j: os.path.join(out, "repos", team(j), "web-%02d" % j))
    for j in (0, 5):
        decoy(filler, out, "repos/%s/web-%02d/node_modules/@acme/platform-%d" % (team(j), j, j), "node_modules", decoys)
    spread("target", 5, filler.target, lambda j: os.path.join(out, "repos", team(j), "crate-%02d" % j))
    decoy(filler, out, "repos/team-00/crate-00/target/package/crate-00-0.1.0", "target", decoys)
    spread("dotgit", 3, lambda root, n: filler.tree(os.path.join(root, ".git", "objects"), n, ["pack", "idx", "obj"], depth=1),
           lambda j: os.path.join(out, "repos", team(j), "legacy-%02d" % j))
    decoy(filler, out, "repos/team-00/legacy-00/.git/platform-copy", "dotgit", decoys)
    half = share["ignored"] // 2
    filler.tree(os.path.join(mono, "build"), half, ["js", "css", "map", "html"], depth=4)
    filler.tree(os.path.join(mono, "dist"), share["ignored"] - half, ["js", "tar", "whl"], depth=3)
    decoy(filler, out, "monorepo/build/svc-copy", "ignored", decoys)
    decoy(filler, out, "monorepo/dist/bundle/services/svc-old", "ignored", decoys)
    # Plain source fills the rest exactly.
    src_left = a.files - 1 - (count_files(out) - 1)
    n_lib = 0
    while src_left > 0:
        k = min(src_left, rng.randint(150, 900))
        root = (os.path.join(out, "repos", team(n_lib), "lib-%02d" % n_lib) if n_lib % 3
                else os.path.join(mono, "libs", "lib-%02d" % n_lib))
        filler.tree(root, k, ["rs", "go", "py", "ts", "md", "yaml"], depth=4)
        src_left -= k
        n_lib += 1

    os.remove(os.path.join(out, PARTIAL))
    total = count_files(out) + 1
    by_kind = {}
    for d in decoys:
        by_kind[d["kind"]] = by_kind.get(d["kind"], 0) + 1
    summary = "gen-tree: %s: %d services (%d with git), %d files in all, %d decoy manifests (%s), %s services" % (
        out, len(specs), sum(s["git"] for s in specs), total, len(decoys),
        ", ".join("%d %s" % (v, k) for k, v in sorted(by_kind.items())), "stub" if plat == "none" else "real")
    with open(marker, "w") as fh:
        json.dump({"params": params, "summary": summary, "files": total, "services": specs,
                   "decoys": decoys, "filler": filler.written - before}, fh, indent=1)
    print(summary)


if __name__ == "__main__":
    main()
