#!/usr/bin/env python3
"""What a template from git costs, against the same template from a directory.

    python3 bench/git-sources.py [--plat PATH] [-n 7] [--callgrind] [--baseline PATH]

The 45-file bench template (bench/templates/service) is committed to a
catalogue repository (tag v1.0.0, under `service/`) and served on 127.0.0.1
by git daemon (and, when lighttpd is installed, by git-http-backend over
plain http). Rows, n runs each, interleaved, outputs on tmpfs, no git init
(`--no-git`: the row measures the template source, not the first commit):

  local          plat new bench/templates/service ...           (the baseline)
  cached file    plat new file://CAT//service?ref=v1.0.0 ...    cache warm: no fetch
  cached git     plat new git://127.0.0.1:P/cat.git//service?ref=v1.0.0 ... cache warm
  fetch file     the file:// row with an empty cache each run
  fetch git      the git:// row with an empty cache each run     (first fetch from a local server)
  fetch http     the same over http://127.0.0.1 (plat's own transport), if lighttpd is there

Reports median wall and cpu time, peak RSS, and each row's ratio to `local`
measured in the same run. `--callgrind` instead counts instructions once
per row (valgrind; repeatable on a busy machine), and with `--baseline PATH`
(a plat built before git sources existed) also the built-in `plat new
service` and the local row under both binaries: what local use pays for the
network code (the target: nothing).
"""
import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from importlib import import_module  # noqa: E402

scaling = import_module("git-scaling")

ANSWERS = {"service_name": "orders-api", "owner_team": "payments", "language": "go",
           "port": 9090, "with_database": True, "description": "Order intake API"}


def git(cwd, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.invalid",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.invalid",
               GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)


def catalogue(work):
    """A bare repository `cat.git` with the bench template at service/, tag v1.0.0."""
    src = os.path.join(work, "cat-src")
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(os.path.join(HERE, "templates", "service"), os.path.join(src, "service"))
    git(src, "init", "-q", "-b", "main")
    git(src, "add", "-A")
    git(src, "commit", "-q", "-m", "service")
    git(src, "tag", "v1.0.0")
    bare = os.path.join(work, "cat.git")
    shutil.rmtree(bare, ignore_errors=True)
    git(work, "clone", "-q", "--bare", "cat-src", "cat.git")
    return bare


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port):
    for _ in range(500):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.02)
    sys.exit("git-sources: nothing listens on %d" % port)


def git_daemon(base):
    port = free_port()
    daemon = "/usr/lib/git-core/git-daemon"
    p = subprocess.Popen([daemon, "--reuseaddr", "--export-all", "--listen=127.0.0.1",
                          "--port=%d" % port, "--base-path=" + base, base],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)
    return p, port


def lighttpd(base, work):
    exe = shutil.which("lighttpd") or "/usr/sbin/lighttpd"
    if not os.path.exists(exe):
        return None, None
    port = free_port()
    conf = os.path.join(work, "lighttpd.conf")
    with open(conf, "w") as f:
        f.write("""server.modules = ("mod_alias", "mod_cgi", "mod_setenv")
server.document-root = "%(base)s"
server.bind = "127.0.0.1"
server.port = %(port)d
server.errorlog = "%(work)s/lighttpd.err"
alias.url = ("/git/" => "/usr/lib/git-core/git-http-backend/")
$HTTP["url"] =~ "^/git/" {
  cgi.assign = ("" => "")
  setenv.add-environment = ("GIT_PROJECT_ROOT" => "%(base)s", "GIT_HTTP_EXPORT_ALL" => "1")
}
""" % {"base": base, "port": port, "work": work})
    p = subprocess.Popen([exe, "-D", "-f", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)
    return p, port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plat", default=os.path.join(ROOT, "target", "release", "plat"))
    ap.add_argument("-n", type=int, default=7)
    ap.add_argument("--callgrind", action="store_true")
    ap.add_argument("--baseline", help="a plat from before git sources, for --callgrind")
    ap.add_argument("--no-http", action="store_true", help="leave out the http row")
    a = ap.parse_args()
    work = os.path.join(HERE, "work", "git-sources")
    os.makedirs(work, exist_ok=True)
    out = "/dev/shm/plat-git-sources" if os.path.isdir("/dev/shm") else os.path.join(work, "out")
    answers = os.path.join(work, "answers.json")
    with open(answers, "w") as f:
        json.dump(ANSWERS, f)
    bare = catalogue(work)
    daemon, port = git_daemon(work)
    httpd, hport = (None, None) if a.no_http else lighttpd(work, work)
    warm = os.path.join(work, "cache-warm")
    env = dict(os.environ, PLAT_CACHE_DIR=warm)
    for k in list(env):
        if k.startswith("PLAT_VAR_"):
            del env[k]
    sources = {
        "local": os.path.join(HERE, "templates", "service"),
        "file": "file://%s//service?ref=v1.0.0" % bare,
        "git": "git://127.0.0.1:%d/cat.git//service?ref=v1.0.0" % port,
    }
    if hport:
        sources["http"] = "http://127.0.0.1:%d/git/cat.git//service?ref=v1.0.0" % hport
    rows = [("local", sources["local"], False), ("cached file", sources["file"], False),
            ("cached git", sources["git"], False), ("fetch file", sources["file"], True),
            ("fetch git", sources["git"], True)]
    if hport:
        rows.append(("fetch http", sources["http"], True))

    def argv(plat, source):
        return [plat, "new", source, "orders-api", "--no-input", "--values", answers,
                "--output", os.path.join(out, "orders-api"), "--no-git"]

    def prepare(fresh):
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        if fresh:
            shutil.rmtree(os.path.join(work, "cache-cold"), ignore_errors=True)
            return dict(env, PLAT_CACHE_DIR=os.path.join(work, "cache-cold"))
        return env

    try:
        # warm the cache for the cached rows
        for s in (sources["file"], sources["git"]):
            prepare(False)
            subprocess.run(argv(a.plat, s), env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if a.callgrind:
            callgrind(a, rows, argv, prepare, work)
        else:
            timed(a, rows, argv, prepare)
    finally:
        daemon.kill()
        if httpd:
            httpd.kill()


def timed(a, rows, argv, prepare):
    res = {name: ([], [], []) for name, _, _ in rows}
    for i in range(a.n + 1):
        for name, source, fresh in rows:
            e = prepare(fresh)
            wall, cpu, kib = scaling.run(argv(a.plat, source), e)
            if i > 0:
                for lst, v in zip(res[name], (wall, cpu, kib)):
                    lst.append(v)
    base_w = statistics.median(res["local"][0])
    base_c = statistics.median(res["local"][1])
    print("| row | median wall | x local | median cpu | x local | peak RSS |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, _, _ in rows:
        w, c, k = (statistics.median(v) for v in res[name])
        print("| %s | %.1f ms | %.2fx | %.1f ms | %.2fx | %.1f MiB |" % (
            name, w * 1e3, w / base_w, c * 1e3, c / base_c, max(res[name][2]) / 1024))


def instructions(cmd, env, work):
    """Instructions of `cmd` and every child, under callgrind."""
    d = tempfile.mkdtemp(dir=work)
    subprocess.run(["valgrind", "--tool=callgrind", "--trace-children=yes",
                    "--callgrind-out-file=%s/cg.%%p" % d] + cmd, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    total = 0
    for f in os.listdir(d):
        with open(os.path.join(d, f)) as fh:
            for line in fh:
                m = re.match(r"^(?:summary|totals): (\d+)", line)
                if m:
                    total += int(m.group(1))
                    break
    shutil.rmtree(d)
    return total


def callgrind(a, rows, argv, prepare, work):
    counts = {}
    for name, source, fresh in rows:
        counts[name] = instructions(argv(a.plat, source), prepare(fresh), work)
    base = counts["local"]
    print("| row | instructions | x local |")
    print("| --- | --- | --- |")
    for name, _, _ in rows:
        print("| %s | %.1f M | %.2fx |" % (name, counts[name] / 1e6, counts[name] / base))
    if a.baseline:
        print("\n| plat new, no network | before git sources | now | now / before |")
        print("| --- | --- | --- | --- |")
        builtin = ["new", "service", "orders-api", "--no-input", "--output"]
        for label, tail in (("built-in service (with git)", builtin), ("local template", None)):
            before_now = []
            for plat in (a.baseline, a.plat):
                e = dict(prepare(False), GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@x.invalid",
                         GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@x.invalid")
                cmd = [plat] + tail + [os.path.join("/dev/shm/plat-git-sources", "orders-api")] if tail \
                    else argv(plat, os.path.join(HERE, "templates", "service"))
                before_now.append(instructions(cmd, e, work))
            print("| %s | %.1f M | %.1f M | %.3fx |" % (
                label, before_now[0] / 1e6, before_now[1] / 1e6, before_now[1] / before_now[0]))


if __name__ == "__main__":
    main()
