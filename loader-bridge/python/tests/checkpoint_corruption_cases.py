"""The corruption cases, shared by the tests of Python-written and of Java-written checkpoints.
Each case damages a copy of a checkpoint (step ``step``, world size 2, tensor "w" with several
chunks) and checks that the damage is found with a CheckpointCorruptError naming the checkpoint,
the rank, the part or tensor, and the CRCs where a checksum failed."""

import os
import re
import tempfile

from s3dlio_bridge import checkpoint as ck

try:
    from . import ckpt_helpers as h
except ImportError:  # run from this folder
    import ckpt_helpers as h


class CorruptionCases:
    """Mixin for unittest.TestCase: needs ``self.source_root()`` (a checkpoint to copy) and ``self.step``."""

    def damaged(self):
        d = tempfile.mkdtemp()
        return h.copy_tree(self.source_root(), os.path.join(d, "root"))

    def expect(self, fn, root, rank, part, crcs):
        with self.assertRaises(ck.CheckpointCorruptError) as cm:
            fn()
        e = cm.exception
        msg = str(e)
        self.assertIn("file://" + root + "/ step %d" % self.step, msg)
        self.assertEqual(e.rank, rank)
        found = e.part if e.tensor is None else "tensor"
        if isinstance(part, tuple):
            self.assertIn(found, part)
        else:
            self.assertEqual(found, part)
        if rank >= 0:
            self.assertIn("rank %d" % rank, msg)
        if crcs:
            self.assertIsNotNone(e.expected_crc)
            self.assertNotEqual(e.expected_crc, e.actual_crc)
            self.assertIn("expected CRC32C 0x%08x, actual 0x%08x" % (e.expected_crc, e.actual_crc), msg)
        return e

    def test_flipped_header_byte(self):
        root = self.damaged()
        h.flip(h.shards(root, self.step)[1], 20)
        self.expect(lambda: ck.load(root, self.step, rank=1), root, 1, "header", True)

    def test_flipped_chunk_byte(self):
        root = self.damaged()
        s = h.shards(root, self.step)[0]
        h.flip(s, h.header_length(s) + 5000)
        c = ck.open_checkpoint(root, self.step)
        e = self.expect(lambda: c.read("w", rank=0), root, 0, "tensor", True)
        self.assertEqual(e.tensor, "w")
        self.assertIn("chunk 1", str(e))
        self.expect(lambda: ck.verify(root, self.step), root, 0, "tensor", True)

    def test_flipped_index_byte(self):
        root = self.damaged()
        s = h.shards(root, self.step)[1]
        h.flip(s, h.index_offset(s) + 30)
        self.expect(lambda: ck.load(root, self.step, rank=1), root, 1, "index", True)

    def test_flipped_trailer_byte(self):
        root = self.damaged()
        s = h.shards(root, self.step)[0]
        h.flip(s, os.path.getsize(s) - 30)
        self.expect(lambda: ck.load(root, self.step, rank=0), root, 0, "trailer", True)

    def test_truncated(self):
        root = self.damaged()
        s = h.shards(root, self.step)[1]
        size = os.path.getsize(s)
        with open(s, "r+b") as f:
            f.truncate(size - 100)
        e = self.expect(lambda: ck.load(root, self.step, rank=1), root, 1, "shard", False)
        self.assertIn("is %d bytes, the manifest records %d" % (size - 100, size), str(e))

    def test_appended(self):
        root = self.damaged()
        s = h.shards(root, self.step)[0]
        with open(s, "ab") as f:
            f.write(b"xyz")
        self.expect(lambda: ck.load(root, self.step, rank=0), root, 0, "shard", False)

    def test_ranks_swapped(self):
        root = self.damaged()
        a, b = h.shards(root, self.step)
        os.rename(a, a + ".x")
        os.rename(b, a)
        os.rename(a + ".x", b)
        # same-size shards fail the header check; shards of different sizes (zstd) the size check first
        e = self.expect(lambda: ck.load(root, self.step, rank=0), root, 0, ("header", "shard"), False)
        self.assertIn("swapped" if e.part == "header" else "the manifest records", str(e))

    def test_edited_manifest(self):
        root = self.damaged()
        path = os.path.join(root, ck.manifest_name(self.step))
        with open(path, encoding="utf-8") as f:
            text = f.read()
        edited = re.sub(r'"size":(\d+)', r'"size":1\1', text, count=1)
        self.assertNotEqual(edited, text)
        with open(path, "w", encoding="utf-8") as f:
            f.write(edited)
        e = self.expect(lambda: ck.load(root, self.step), root, -1, "manifest", True)
        self.assertIn("manifest CRC32C mismatch", str(e))
        self.assertNotIn(self.step, [m["step"] for m in ck.list_checkpoints(root)])
        self.assertIn(self.step, ck.committed_steps(root))
