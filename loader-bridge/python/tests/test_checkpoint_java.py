"""Python reads checkpoints written by the JVM (io.s3dlio.checkpoint), values equal, and finds the
same damage. The fixtures come from the checkpoint module's TestPythonInterop, which runs these
tests with S3DLIO_CKPT_JAVA_FIXTURES set; run alone, they are skipped (there is nothing to read)."""

import os
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

FIXTURES = os.environ.get("S3DLIO_CKPT_JAVA_FIXTURES")
NEEDS = unittest.skipUnless(FIXTURES, "S3DLIO_CKPT_JAVA_FIXTURES is not set (TestPythonInterop sets it)")


@NEEDS
class JavaWritten(unittest.TestCase):
    def test_values_equal(self):
        for compression in ("none", "zstd"):
            root = os.path.join(FIXTURES, compression)
            c = ck.open_checkpoint(root, 10)
            self.assertEqual(c.manifest["compression"], compression)
            self.assertEqual(c.user_metadata, {"loader": '{"epoch":3,"offset":1234}', "writer": "java"})
            exact = h.exact_tensors()
            self.assertEqual(c.tensors(), {n: (d, a.shape) for n, (d, a) in exact.items()})
            for name, (dtype, values) in exact.items():
                np.testing.assert_array_equal(c.read(name), values.astype(np.float32) if dtype == "bfloat16" else values,
                                              err_msg="%s %s" % (compression, name))
            self.assertEqual(c.read("layer.0.weight").dtype, np.float32)
            self.assertEqual(c.read("layer.0.bias_f16").dtype, np.float16)
            self.assertEqual(c.read("counts").dtype, np.int64)
            ck.verify(root, 10)
            self.assertEqual(ck.latest(root)["step"], 20)

    def test_sharded_checkpoint(self):
        root = os.path.join(FIXTURES, "zstd")
        c = ck.open_checkpoint(root)
        self.assertEqual((c.step, c.world_size), (20, 2))
        for r in range(2):
            w = c.read("w", rank=r)
            self.assertEqual(w.shape, (30000,))
            np.testing.assert_array_equal(w, np.fromfile(os.path.join(FIXTURES, "w-rank%d.f32" % r), dtype="<f4"))


@NEEDS
class JavaWrittenCorruption(CorruptionCases, unittest.TestCase):
    step = 20

    def source_root(self):
        return os.path.join(FIXTURES, "zstd")


@NEEDS
class JavaWrittenCorruptionUncompressed(CorruptionCases, unittest.TestCase):
    step = 20

    def source_root(self):
        return os.path.join(FIXTURES, "none")


if __name__ == "__main__":
    unittest.main()
