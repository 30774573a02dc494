"""Baseline (b) of the bridge benchmark: read .npz files (written by Spark's format("npz")) with
numpy and read every array with the same checksum the bridge's consumer computes. Prints a
checksum line, then rows, bytes, seconds and CPU seconds."""

import json
import sys
import time

import numpy as np

from s3dlio_bridge.consume import Checksum


def main():
    t0 = time.perf_counter()
    rows = 0
    checksum = Checksum()
    for path in sys.argv[1:]:
        with np.load(path) as z:
            for name in z.files:
                a = z[name]
                checksum.add(name, a)
                if name == "id":
                    rows += a.shape[0]
    print("checksum " + json.dumps(checksum.to_json()), flush=True)
    print("npz: %d rows, %d bytes in %.2f s, cpu %.2f s" % (rows, checksum.nbytes, time.perf_counter() - t0,
                                                           time.process_time()), flush=True)


if __name__ == "__main__":
    main()
