#!/usr/bin/env python3
"""Build the 1,045-file plat template from the 45-file one.

    python3 bench/gen-large.py [DEST] [--files N]   # default DEST: bench/work/templates/large

--files N adds N files instead of 1000 (20 per directory), for the git
scaling rows (bench/git-scaling.py).

DEST = bench/templates/service (template.yaml + files/) plus 1000 rendered files
in 50 directories, files/modules/mNN/part_NNN.yaml: the same files the peers'
gen_templates.py --large adds to every peer's template (its LARGE_FILE, written
in Tera without the `V.` prefix, exactly like its kickstart translation).
bench/compare.sh checks that plat's output equals kickstart's for both sizes.
bench/work/ is git-ignored.
"""
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SMALL = os.path.join(HERE, "templates", "service")

# Copied from the peers' gen_templates.py (LARGE_DIRS, LARGE_PER_DIR, LARGE_FILE),
# after its kickstart translation (`V.` removed).
LARGE_DIRS = 50
LARGE_PER_DIR = 20
LARGE_FILE = (
    "# {{ service_name }} module {{ MOD }} / part {{ PART }}\n"
    "owner: {{ owner_team }}\n"
    "port: {{ port }}\n"
    "language: {{ language }}\n"
    "{% if with_database %}database: {{ service_name }}_db\n{% endif %}"
    "description: \"{{ description }}\"\n"
)


def main():
    args = sys.argv[1:]
    count = LARGE_DIRS * LARGE_PER_DIR
    if "--files" in args:
        i = args.index("--files")
        count = int(args[i + 1])
        del args[i : i + 2]
    dest = os.path.abspath(args[0] if args else os.path.join(HERE, "work", "templates", "large"))
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    shutil.copytree(SMALL, dest, symlinks=True)
    tpl = os.path.join(dest, "template.yaml")
    with open(tpl) as fh:
        text = fh.read()
    assert text.count("\nname: service\n") == 1, "template.yaml: expected one top-level `name: service`"
    with open(tpl, "w", newline="\n") as fh:
        fh.write(text.replace("\nname: service\n", "\nname: service-large\n", 1))
    n = 0
    for d in range((count + LARGE_PER_DIR - 1) // LARGE_PER_DIR):
        sub = os.path.join(dest, "files", "modules", "m%02d" % d)
        os.makedirs(sub)
        for f in range(min(LARGE_PER_DIR, count - d * LARGE_PER_DIR)):
            content = LARGE_FILE.replace("{{ MOD }}", "%02d" % d).replace("{{ PART }}", "%03d" % f)
            path = os.path.join(sub, "part_%03d.yaml" % f)
            with open(path, "w", newline="\n") as fh:
                fh.write(content)
            os.chmod(path, 0o644)
            n += 1
    total = sum(len(files) for _, _, files in os.walk(os.path.join(dest, "files")))
    print("%d template files (%d added) -> %s" % (total, n, dest))


if __name__ == "__main__":
    main()
