#!/usr/bin/env python3
"""benchrun.py CASES.json OUT.json: one interleaved run of whole processes.

Each round starts every case once, in a fresh random order, so that load from
other processes on the machine falls on all cases alike; wall time is taken
around posix_spawn + wait4 (no shell), peak RSS from GNU time in a separate pass.
CASES.json: {"warmup": 2, "runs": 30, "cases": [{"name": ..., "argv": [...],
"env": {...}, "expect": exit status (default 0)}]}. OUT.json: {"cases": [{"name", "times" (s), "maxrss_kib"}]}.
A case that exits non-zero stops the run with its stderr.
"""
import json
import os
import random
import sys
import tempfile
import time


def spawn(c, errpath):
    fa = [
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, errpath, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
    ]
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(c["argv"][0], c["argv"], c["env"], file_actions=fa)
    _, status = os.waitpid(pid, 0)
    t = (time.perf_counter_ns() - t0) / 1e9
    if os.waitstatus_to_exitcode(status) != c.get("expect", 0):
        sys.stderr.write("benchrun: %s exited %d: %s\n" % (c["name"], os.waitstatus_to_exitcode(status), open(errpath).read()))
        sys.exit(1)
    return t


def main():
    spec = json.load(open(sys.argv[1]))
    cases = spec["cases"]
    fd, errpath = tempfile.mkstemp()
    os.close(fd)
    times = [[] for _ in cases]
    rss = [0 for _ in cases]
    order = list(range(len(cases)))
    rnd = random.Random(1)
    try:
        for _ in range(spec.get("warmup", 2)):
            for i in order:
                spawn(cases[i], errpath)
        for _ in range(spec["runs"]):
            rnd.shuffle(order)
            for i in order:
                times[i].append(spawn(cases[i], errpath))
        # Peak RSS under GNU time (a small parent: a child of this Python
        # process would count its pages too), largest of 3 runs.
        for i, c in enumerate(cases):
            for _ in range(0 if os.environ.get("NORSS") else 3):
                spawn(dict(c, argv=["/usr/bin/time", "-f", "%M", "-o", errpath + ".rss"] + c["argv"]), errpath)
                rss[i] = max(rss[i], int(open(errpath + ".rss").read().split()[-1]))
    finally:
        for p in (errpath, errpath + ".rss"):
            if os.path.exists(p):
                os.unlink(p)
    json.dump({"cases": [{"name": c["name"], "times": times[i], "maxrss_kib": rss[i]} for i, c in enumerate(cases)]},
              open(sys.argv[2], "w"))


if __name__ == "__main__":
    main()
