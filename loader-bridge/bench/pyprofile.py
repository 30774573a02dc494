"""Runs a Python module or script under cProfile in every thread (the bridge client receives in a
thread of its own) and writes the merged statistics to $PYPROFILE_DIR/prof-<pid>.txt (default: the
current folder), sorted by own time and by cumulative time. For the bridge benchmark:

    printf '#!/bin/sh\\nexec /usr/bin/python3 %s/loader-bridge/bench/pyprofile.py "$@"\\n' "$PWD" > /tmp/pyprof
    chmod +x /tmp/pyprof; BENCH_JAVA_OPTS=-Dbench.python=/tmp/pyprof loader-bridge/bench/run.sh ...

cProfile measures wall time: a receiver thread's time in ``recv_into`` is mostly waiting.
"""

import atexit
import cProfile
import io
import os
import pstats
import runpy
import sys
import threading

_profiles = []


def _start_in_thread(frame, event, arg):
    sys.setprofile(None)
    p = cProfile.Profile()
    _profiles.append(p)
    p.enable()


def _dump():
    for p in _profiles:
        p.disable()
    out = io.StringIO()
    stats = pstats.Stats(_profiles[0], stream=out)
    for p in _profiles[1:]:
        try:
            stats.add(p)
        except TypeError:  # a thread that never ran any Python
            pass
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumtime").print_stats(30)
    folder = os.environ.get("PYPROFILE_DIR", ".")
    with open(os.path.join(folder, "prof-%d.txt" % os.getpid()), "w") as f:
        f.write(out.getvalue())


def main():
    args = sys.argv[1:]
    if not args:
        raise SystemExit("usage: pyprofile.py (-m MODULE | SCRIPT) [ARGS...]")
    threading.setprofile(_start_in_thread)
    main_profile = cProfile.Profile()
    _profiles.append(main_profile)
    atexit.register(_dump)
    main_profile.enable()
    if args[0] == "-m":
        sys.argv = [args[1]] + args[2:]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = args
        runpy.run_path(args[0], run_name="__main__")


if __name__ == "__main__":
    main()
