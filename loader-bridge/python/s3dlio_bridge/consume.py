"""A small consumer of a bridge feed (numpy only): receives epochs as one rank and prints samples/s.

    python3 -m s3dlio_bridge.consume --rank 0 --world-size 2 [--epochs 1]

The feed's address and token come from S3DLIO_BRIDGE_ADDRESS and S3DLIO_BRIDGE_TOKEN (or
--address/--token). With --out, one JSON line per batch ({epoch, step, position, ids}) and a last
line with the totals. With --checksum, a pass over every value of the numeric and tensor columns
(see :class:`Checksum`), printed as a JSON line. The rank's line ends with the CPU seconds of the
process. Exit status 3 and one line on stderr when the feed reports an error.
"""

import argparse
import json
import os
import sys
import time
from math import gcd

import numpy as np

from .client import BridgeClient
from .frames import BridgeError


class Checksum:
    """Reads every byte of the arrays it is given: per name, the XOR of their 8-byte words, folded to
    ``gcd(bytes per row, 8)`` bytes so that it does not depend on how the rows are cut into arrays;
    and the bytes seen. Cheap (numpy, no copy of contiguous arrays): a stand-in for a trainer that
    touches its data, the same in every path of the benchmark."""

    def __init__(self):
        self.xor = {}
        self.nbytes = 0

    def add(self, name, values):
        b = np.ascontiguousarray(values).reshape(-1).view(np.uint8)
        rows = values.shape[0] if values.ndim else 1
        width = gcd(b.size // rows if rows else 8, 8)
        n = b.size & ~7
        x = int(np.bitwise_xor.reduce(b[:n].view("<u8"))) if n else 0
        for i, v in enumerate(b[n:].tolist()):
            x ^= v << (8 * i)
        if width < 8:  # fold the lanes of `width` bytes together
            lanes, mask = x, (1 << (8 * width)) - 1
            x = 0
            for k in range(0, 8, width):
                x ^= (lanes >> (8 * k)) & mask
        self.xor[name] = self.xor.get(name, 0) ^ x
        self.nbytes += b.size

    def to_json(self):
        return {"xor": {k: "%016x" % v for k, v in sorted(self.xor.items())}, "bytes": self.nbytes}


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m s3dlio_bridge.consume", description=__doc__.splitlines()[0])
    p.add_argument("--address")
    p.add_argument("--token")
    p.add_argument("--rank", type=int)
    p.add_argument("--world-size", type=int)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--start-epoch", type=int, default=0)
    p.add_argument("--offset", type=int, default=0, help="rows of the first epoch already consumed")
    p.add_argument("--state", help="JSON file of a saved dataset state (epoch, offset, seed, fingerprint) to "
                                   "resume from; overrides --start-epoch and --offset")
    p.add_argument("--credits", type=int, default=4)
    p.add_argument("--sleep", type=float, default=0.0, help="seconds to wait per batch (a slow trainer)")
    p.add_argument("--id-column", help="column whose values go to --out")
    p.add_argument("--out", help="file for one JSON line per batch")
    p.add_argument("--reconnect-timeout", type=float)
    p.add_argument("--stop-after", type=int, help="exit abruptly (status 9) after this many batches")
    p.add_argument("--checksum", action="store_true", help="read every numeric and tensor value (print a checksum)")
    args = p.parse_args(argv)

    check = {}
    if args.state:
        with open(args.state) as f:
            state = json.load(f)
        args.start_epoch, args.offset = int(state["epoch"]), int(state["offset"])
        check = {"seed": state["seed"], "fingerprint": state["fingerprint"]}
    out = open(args.out, "w") if args.out else None
    samples = 0
    nbytes = 0
    checksum = Checksum() if args.checksum else None
    t0 = time.perf_counter()
    try:
        with BridgeClient(args.address, args.token, args.rank, args.world_size, credits=args.credits,
                          reconnect_timeout=args.reconnect_timeout) as client:
            for e in range(args.start_epoch, args.start_epoch + args.epochs):
                offset = args.offset if e == args.start_epoch else 0
                for batch in client.epoch(e, offset, **(check if e == args.start_epoch else {})):
                    samples += batch.rows
                    nbytes += batch.buffer.nbytes
                    if checksum is not None:
                        for name, values in batch.items():
                            if isinstance(values, np.ndarray):
                                checksum.add(name, values)
                    if out is not None:
                        ids = batch[args.id_column].tolist() if args.id_column else []
                        out.write(json.dumps({"epoch": e, "step": batch.step, "position": batch.position,
                                              "ids": ids}) + "\n")
                        out.flush()
                    if args.stop_after is not None and samples >= args.stop_after * batch.rows:
                        sys.stdout.flush()
                        os._exit(9)
                    if args.sleep:
                        time.sleep(args.sleep)
    except BridgeError as e:
        print("s3dlio_bridge: ERROR %s: %s" % (e.code, e.message), file=sys.stderr, flush=True)
        return 3
    seconds = time.perf_counter() - t0
    if out is not None:
        out.write(json.dumps({"done": True, "samples": samples, "bytes": nbytes, "seconds": seconds}) + "\n")
        out.close()
    rank = args.rank if args.rank is not None else 0
    if checksum is not None:
        print("checksum " + json.dumps(checksum.to_json()), flush=True)
    print("rank %d: %d samples in %.2f s: %.0f samples/s, %.1f MB/s, cpu %.2f s"
          % (rank, samples, seconds, samples / max(seconds, 1e-9), nbytes / max(seconds, 1e-9) / 1e6,
             time.process_time()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
