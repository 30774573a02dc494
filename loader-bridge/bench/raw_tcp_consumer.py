"""Baseline (a) of the bridge benchmark: receive NBYTES over a plain TCP connection, CHUNK bytes at
a time, each chunk into a fresh numpy buffer viewed with np.frombuffer (as the bridge client does),
with no framing, CRC or Arrow decoding. Prints the bytes and seconds."""

import socket
import sys
import time

import numpy as np


def main():
    host, port, nbytes, chunk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    t0 = time.perf_counter()
    s = socket.create_connection((host, port))
    got = 0
    checksum = 0
    while got < nbytes:
        n = min(chunk, nbytes - got)
        buf = np.empty(n, dtype=np.uint8)
        mv = memoryview(buf)
        k = 0
        while k < n:
            r = s.recv_into(mv[k:], n - k)
            if r == 0:
                raise SystemExit("connection closed after %d bytes" % (got + k))
            k += r
        view = np.frombuffer(buf, dtype=np.uint8)
        checksum ^= int(view[-1])
        got += n
    s.close()
    print("raw: %d bytes in %.2f s (%d)" % (got, time.perf_counter() - t0, checksum), flush=True)


if __name__ == "__main__":
    main()
