"""Shared by the checkpoint tests: exact test values (the same formulas as the Java tests' Fixtures)
and ways to damage a checkpoint."""

import os
import shutil
import struct

import numpy as np


def exact_tensors():
    """The exact tensors of io.s3dlio.checkpoint.Fixtures.exact(): {name: (format dtype, ndarray of values)}."""
    i = np.arange(64 * 33)
    f32 = ((i % 1000) * 0.25 - 100).astype(np.float32).reshape(64, 33)
    i = np.arange(7 * 11 * 13)
    f16 = (((i % 200) - 100) * 0.5).astype(np.float16).reshape(7, 11, 13)
    i = np.arange(1000)
    bf16 = (((i % 64) - 32) * 0.5).astype(np.float32)
    i = np.arange(15, dtype=np.int64)
    i64 = (i * 1000000007 - 5000000000000).reshape(3, 5)
    return {
        "layer.0.weight": ("float32", f32),
        "layer.0.bias_f16": ("float16", f16),
        "emb.bf16": ("bfloat16", bf16),
        "counts": ("int64", i64),
        "step_scalar": ("int64", np.array(42, dtype=np.int64)),
        "empty": ("float32", np.zeros((0, 4), dtype=np.float32)),
    }


def as_save_input(tensors):
    return {n: ((a, "bfloat16") if d == "bfloat16" else a) for n, (d, a) in tensors.items()}


def flip(path, offset):
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0x40]))


def shards(root, step):
    d = os.path.join(root, "step-%012d" % step)
    (save,) = os.listdir(d)
    return sorted(os.path.join(d, save, n) for n in os.listdir(os.path.join(d, save)))


def header_length(path):
    with open(path, "rb") as f:
        return struct.unpack_from("<I", f.read(16), 12)[0]


def index_offset(path):
    with open(path, "rb") as f:
        f.seek(-32, os.SEEK_END)
        return struct.unpack_from("<Q", f.read(8), 0)[0]


def copy_tree(src, dst):
    shutil.copytree(src, dst)
    return dst
