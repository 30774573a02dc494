"""Baseline (b) of the bridge benchmark: read .npz files (written by Spark's format("npz")) with
numpy, touching every array. Prints rows, bytes and seconds."""

import sys
import time

import numpy as np


def main():
    t0 = time.perf_counter()
    rows = 0
    nbytes = 0
    for path in sys.argv[1:]:
        with np.load(path) as z:
            for name in z.files:
                a = z[name]
                nbytes += a.nbytes
                if name == "id":
                    rows += a.shape[0]
    print("npz: %d rows, %d bytes in %.2f s" % (rows, nbytes, time.perf_counter() - t0), flush=True)


if __name__ == "__main__":
    main()
