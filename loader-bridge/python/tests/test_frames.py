"""Frames: CRC32C, truncation and corruption errors, over real socket pairs."""

import socket
import unittest

import numpy as np

from s3dlio_bridge import frames as F
from s3dlio_bridge.frames import ConnectionLost, FrameError


def _pair(data, close=True):
    a, b = socket.socketpair()
    a.sendall(data)
    if close:
        a.close()
    return F.FrameReader(b), b


class Crc(unittest.TestCase):
    def test_check_value(self):
        self.assertEqual(F.crc32c(b"123456789"), 0xE3069283)

    def test_every_implementation_agrees(self):
        data = np.arange(5000, dtype=np.uint32).view(np.uint8)
        expected = F.crc32c(data)
        impls = F.implementations()
        self.assertEqual(impls[0][0], F.CRC32C_IMPLEMENTATION)
        self.assertEqual(impls[-1][0], "Python table")
        for name, crc in impls:
            with self.subTest(name):
                self.assertEqual(crc(b"123456789"), 0xE3069283)
                self.assertEqual(crc(b""), 0)
                self.assertEqual(crc(data), expected)
                self.assertEqual(crc(data[777:], crc(data[:777])), expected)  # continuation
                self.assertEqual(crc(bytearray(data.tobytes())), expected)
                self.assertEqual(crc(memoryview(data.tobytes())[1:], crc(data[:1])), expected)


class Frames(unittest.TestCase):
    def test_round_trip_and_offsets(self):
        data = F.encode_json(F.WELCOME, {"a": 1}) + F.encode(F.BATCH, b"x" * 100)
        r, s = _pair(data)
        t, p = r.read()
        self.assertEqual((t, F.decode_json(t, p)), (F.WELCOME, {"a": 1}))
        t, p = r.read()
        self.assertEqual((t, p.tobytes()), (F.BATCH, b"x" * 100))
        self.assertIsInstance(p, np.ndarray)
        self.assertEqual(r.offset, len(data))
        with self.assertRaises(ConnectionLost) as cm:
            r.read()
        self.assertEqual(cm.exception.message, "connection closed by the feed at stream offset %d" % len(data))
        s.close()

    def test_crc_mismatch(self):
        good = F.encode_json(F.EPOCH, {"steps": 3})
        bad = bytearray(F.encode(F.BATCH, bytes(64)))
        bad[8 + 20] ^= 0x10
        r, s = _pair(good + bytes(bad))
        r.read()
        with self.assertRaises(FrameError) as cm:
            r.read()
        crc = F.crc32c(bytes(bad[:-4]))
        self.assertEqual(cm.exception.message, "CRC32C mismatch in a BATCH frame of 64 payload bytes at stream offset %d: "
                         "computed %08x, the frame says %08x" % (len(good), crc, F.crc32c(F.encode(F.BATCH, bytes(64))[:-4])))
        s.close()

    def test_truncated_frame(self):
        whole = F.encode(F.BATCH, bytes(1000))
        r, s = _pair(whole[:500])
        with self.assertRaises(ConnectionLost) as cm:
            r.read()
        self.assertEqual(cm.exception.message, "connection lost in the middle of a BATCH frame at stream offset 0: "
                         "got 492 of 1004 bytes, the frame is truncated")
        s.close()

    def test_bad_header(self):
        r, s = _pair(b"GET / HTTP/1.1\r\n\r\n")
        with self.assertRaises(FrameError) as cm:
            r.read()
        self.assertIn("bad frame header at stream offset 0", cm.exception.message)
        self.assertIn("not a bridge server, or a corrupt stream", cm.exception.message)
        s.close()

    def test_too_long(self):
        r, s = _pair(F.HEADER.pack(1 << 20, F.BATCH, 0))
        r.max_payload = 1000
        with self.assertRaises(FrameError) as cm:
            r.read()
        self.assertIn("1048576 payload bytes (limit 1000)", cm.exception.message)
        s.close()


if __name__ == "__main__":
    unittest.main()
