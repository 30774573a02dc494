"""Python writes and reads checkpoints (docs/checkpoint-format.md) on local paths."""

import json
import os
import tempfile
import unittest

import numpy as np

from s3dlio_bridge import checkpoint as ck

try:
    from . import ckpt_helpers as h
except ImportError:  # run from this folder
    import ckpt_helpers as h
try:
    from .checkpoint_corruption_cases import CorruptionCases
except ImportError:
    from checkpoint_corruption_cases import CorruptionCases


class RoundTrip(unittest.TestCase):
    def test_every_dtype_with_and_without_zstd(self):
        for compression in ("none", "zstd"):
            root = tempfile.mkdtemp()
            exact = h.exact_tensors()
            m = ck.save(root, 10, h.as_save_input(exact), {"loader": '{"epoch": 3}'}, compression=compression,
                        chunk_size=4096)
            self.assertEqual(m["compression"], compression)
            c = ck.open_checkpoint(root)
            self.assertEqual(c.step, 10)
            self.assertEqual(c.user_metadata, {"loader": '{"epoch": 3}'})
            self.assertEqual(list(c.tensors()), list(exact))
            for name, (dtype, values) in exact.items():
                got = c.read(name)
                self.assertEqual(c.tensors()[name], (dtype, values.shape))
                np.testing.assert_array_equal(got, values.astype(np.float32) if dtype == "bfloat16" else values)
            bits = c.read("emb.bf16", bf16="bits")
            self.assertEqual(bits.dtype, np.uint16)
            np.testing.assert_array_equal(bits, exact["emb.bf16"][1].view(np.uint32) >> 16)
            self.assertEqual(ck.verify(root, 10)["saveId"], m["saveId"])

    def test_bfloat16_from_float32_rounds_to_nearest_even(self):
        root = tempfile.mkdtemp()
        x = np.array([1.0, 1.00390625, 1.01171875, -3.5], dtype=np.float32)
        ck.save(root, 1, {"b": (x, "bfloat16")})
        np.testing.assert_array_equal(ck.load(root)["b"], np.array([1.0, 1.0, 1.015625, -3.5], dtype=np.float32))

    def test_ranks_latest_list_and_exists(self):
        root = tempfile.mkdtemp()
        for step in (1, 2):
            ck.save(root, step, [{"w": np.full(5, r + step, np.float32)} for r in range(3)], {"s": str(step)})
        self.assertEqual([m["step"] for m in ck.list_checkpoints(root)], [1, 2])
        self.assertEqual(ck.latest(root)["step"], 2)
        with open(os.path.join(root, "latest")) as f:
            self.assertEqual(json.load(f)["step"], 2)
        np.testing.assert_array_equal(ck.load(root, 1, rank=2)["w"], np.full(5, 3, np.float32))
        with self.assertRaises(ck.CheckpointExistsError):
            ck.save(root, 2, {"w": np.zeros(1, np.float32)})
        with self.assertRaises(ck.CheckpointNotFoundError):
            ck.load(root, 3)
        # a save that was killed before its commit is not listed
        os.makedirs(os.path.join(root, "step-000000000003", "x-1"))
        open(os.path.join(root, "step-000000000003", "x-1", "rank-00000-of-00001.shard"), "wb").close()
        self.assertEqual(ck.latest(root)["step"], 2)

    def test_bad_input(self):
        root = tempfile.mkdtemp()
        with self.assertRaisesRegex(ValueError, "complex64"):
            ck.save(root, 1, {"c": np.zeros(2, np.complex64)})
        with self.assertRaisesRegex(ValueError, "remote stores"):
            ck.load("s3://bucket/x")
        self.assertEqual(ck.committed_steps(root), [])


class PythonWrittenCorruption(CorruptionCases, unittest.TestCase):
    step = 1

    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp()
        rng = np.random.default_rng(7)
        ranks = [{"w": rng.normal(0, 0.02, 30000).astype(np.float32), "b": np.ones(100, np.float32)} for _ in range(2)]
        ck.save(cls.root, 1, ranks, {"lr": "0.001"}, chunk_size=4096)

    def source_root(self):
        return self.root


if __name__ == "__main__":
    unittest.main()
