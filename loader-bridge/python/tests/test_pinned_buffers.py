"""The pinned receive-buffer pool of BridgeDataset (CUDA path), with CPU tensors standing in."""

import unittest

import torch

from s3dlio_bridge.torch_dataset import PinnedBuffers


class Event:
    def __init__(self):
        self.done = False

    def query(self):
        return self.done


class PinnedBuffersTest(unittest.TestCase):
    def setUp(self):
        self.made = []
        self.pool = PinnedBuffers(limit=2, make=lambda n: self.made.append(n) or torch.empty(n, dtype=torch.uint8))

    def test_small_frames_bypass_the_pool(self):
        a = self.pool.allocate(100)
        self.assertEqual(a.nbytes, 100)
        self.assertEqual(self.made, [])

    def test_a_buffer_is_reused_once_its_copies_are_done(self):
        a = self.pool.allocate(70000)
        self.assertEqual(self.made, [1 << 17])
        e = Event()
        self.pool.copied(a, e)
        b = self.pool.allocate(70000)
        self.assertNotEqual(a.ctypes.data, b.ctypes.data, "in use until the event completes")
        e.done = True
        c = self.pool.allocate(100000)
        self.assertEqual(c.ctypes.data, a.ctypes.data)
        self.assertEqual(len(self.made), 2)

    def test_released_buffers_are_reused_at_once(self):
        a = self.pool.allocate(1 << 16)
        self.pool.release(a)
        b = self.pool.allocate(1 << 16)
        self.assertEqual(a.ctypes.data, b.ctypes.data)
        self.assertEqual(len(self.made), 1)


if __name__ == "__main__":
    unittest.main()
