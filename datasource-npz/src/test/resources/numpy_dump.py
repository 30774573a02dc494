"""Reads every .npz/.npy under a folder with numpy (an independent reader) and prints JSON:
{relative path: {array name: {"dtype": str, "shape": [...], "values": [flat, C order]}}}.
complex -> [real, imag]; bytes -> hex; numpy scalars -> Python values. Names starting with '_' or
'.' are skipped, as Spark skips them."""
import json
import os
import sys

import numpy as np


def plain(v):
    if isinstance(v, complex):
        return [v.real, v.imag]
    if isinstance(v, bytes):
        return v.hex()
    return v


def dump(a):
    flat = a.reshape(-1).tolist()
    return {"dtype": a.dtype.str, "shape": list(a.shape), "values": [plain(v) for v in flat]}


def main(root):
    out = {}
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if not x.startswith(("_", "."))]
        for f in files:
            if f.startswith(("_", ".")):
                continue
            p = os.path.join(d, f)
            rel = os.path.relpath(p, root)
            if f.endswith(".npz"):
                with np.load(p, allow_pickle=False) as z:
                    out[rel] = {k: dump(z[k]) for k in z.files}
            elif f.endswith(".npy"):
                out[rel] = {"array": dump(np.load(p, allow_pickle=False))}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
