"""Baseline (a) of the bridge benchmark: receive NBYTES over a plain TCP connection, CHUNK bytes at
a time, each chunk into a fresh numpy buffer (as the bridge client receives a frame), and read
every byte with the same checksum the bridge's consumer computes; no framing, CRC or Arrow
decoding. Prints a checksum line, then the bytes, seconds and CPU seconds."""

import json
import socket
import sys
import time

import numpy as np

from s3dlio_bridge.consume import Checksum


def main():
    host, port, nbytes, chunk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    t0 = time.perf_counter()
    s = socket.create_connection((host, port))
    got = 0
    checksum = Checksum()
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
        checksum.add("bytes", buf)
        got += n
    s.close()
    print("checksum " + json.dumps(checksum.to_json()), flush=True)
    print("raw: %d bytes in %.2f s, cpu %.2f s" % (got, time.perf_counter() - t0, time.process_time()), flush=True)


if __name__ == "__main__":
    main()
