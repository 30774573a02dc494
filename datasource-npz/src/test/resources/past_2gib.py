"""Writes an .npy and an .npz whose data runs past byte 2^31, as sparse files (the zeros are holes),
then reads them back with numpy and zipfile (independent readers) and prints JSON.

  past_2gib.py DIR ROWS

The rows past the holes hold v[r][j] = r * 1_000_000 + j (int64, the last TAIL rows).
DIR/big.npy: `array` int64 (ROWS, 131072) (1 MiB a row), written by numpy (open_memmap makes the
  file sparse); with ROWS = 2050 the last rows straddle and follow byte 2^31.
DIR/split.npz (zip64, stored members, as numpy.savez writes them): a and b, int64 (ROWS, 65536)
  (512 KiB a row, each member under 2 GiB), a all zeros, b with the tail rows (row 2045 straddles
  2^31, the tail rows 2046..2049 follow it); then
  x: float64 (ROWS, 3) = r * 10 + j + 0.5 and y: int64 (ROWS,) = 3 * r + 1, wholly past 2^31.
  numpy.savez cannot leave holes (it would write 2 GiB of zeros), so the archive is laid out here
  and checked with zipfile (directory, zip64 fields, b's header) and numpy.load (x and y, whose
  CRCs it checks).

Output: {"tail": TAIL, "npy_size": n, "npz_size": n, "offsets": {member: local header offset},
"sizes": {member: bytes}, "x": [[...]], "y": [...]} (x and y as numpy read them from the .npz).
"""
import io
import json
import os
import struct
import sys
import zipfile
import zlib

import numpy as np

ROW = 131072
TAIL = 4


def tail_rows(rows, width):
    r = np.arange(rows - TAIL, rows, dtype=np.int64)[:, None]
    return r * 1_000_000 + np.arange(width, dtype=np.int64)[None, :]


def npy_header(descr, shape):
    b = io.BytesIO()
    np.lib.format.write_array_header_1_0(b, {"descr": descr, "fortran_order": False, "shape": shape})
    return b.getvalue()


def write_npy(path, rows):
    m = np.lib.format.open_memmap(path, mode="w+", dtype="<i8", shape=(rows, ROW))
    m[rows - TAIL:] = tail_rows(rows, ROW)
    m.flush()
    del m


class Member:
    def __init__(self, name, header, size, crc):
        self.name, self.header, self.size, self.crc = name.encode(), header, size, crc
        self.offset = 0


def sparse_member(name, rows, width, tail):
    """A stored .npy member of int64 (rows, width): zeros (a hole) then the bytes `tail`."""
    header = npy_header("<i8", (rows, width))
    hole = rows * width * 8 - len(tail)
    crc = zlib.crc32(header)
    zeros = bytes(64 << 20)
    left = hole
    while left:
        n = min(left, len(zeros))
        crc = zlib.crc32(zeros if n == len(zeros) else zeros[:n], crc)
        left -= n
    crc = zlib.crc32(tail, crc)
    return Member(name, header, hole, tail, crc)


def dense_member(name, a):
    b = io.BytesIO()
    np.lib.format.write_array(b, a, allow_pickle=False)
    data = b.getvalue()
    return Member(name, data, 0, b"", zlib.crc32(data))


class Member:
    def __init__(self, name, head, hole, tail, crc):
        self.name, self.head, self.hole, self.tail, self.crc = name.encode(), head, hole, tail, crc
        self.size = len(head) + hole + len(tail)
        self.offset = 0


def write_npz(path, rows):
    """Members a, b: int64 (rows, ROW / 2) (512 KiB a row, each under 2 GiB), a all zeros, b zeros
    but its last TAIL rows; then x: float64 (rows, 3) and y: int64 (rows,). Stored, zip64 records
    (as numpy.savez writes them), the zeros left as holes."""
    r = np.arange(rows)
    members = [sparse_member("a.npy", rows, ROW // 2, b""),
               sparse_member("b.npy", rows, ROW // 2, tail_rows(rows, ROW // 2).tobytes()),
               dense_member("x.npy", (r[:, None] * 10 + np.arange(3)[None, :] + 0.5).astype("<f8")),
               dense_member("y.npy", (3 * r + 1).astype("<i8"))]
    with open(path, "wb") as f:
        for m in members:
            m.offset = f.tell()
            extra = struct.pack("<HHQQ", 1, 16, m.size, m.size)
            f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 0x21, m.crc, 0xFFFFFFFF, 0xFFFFFFFF,
                                len(m.name), len(extra)) + m.name + extra)
            f.write(m.head)
            f.seek(m.hole, os.SEEK_CUR)
            f.write(m.tail)
        cd = f.tell()
        for m in members:
            extra = struct.pack("<HHQQQ", 1, 24, m.size, m.size, m.offset)
            f.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 0x21, m.crc, 0xFFFFFFFF,
                                0xFFFFFFFF, len(m.name), len(extra), 0, 0, 0, 0, 0xFFFFFFFF) + m.name + extra)
        cd_size = f.tell() - cd
        z64 = f.tell()
        f.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(members), len(members), cd_size, cd))
        f.write(struct.pack("<IIQI", 0x07064B50, 0, z64, 1))
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), cd_size, 0xFFFFFFFF, 0))
    return {m.name.decode()[:-4]: m.offset for m in members}, {m.name.decode()[:-4]: m.size for m in members}


def main(root, rows):
    npy = os.path.join(root, "big.npy")
    npz = os.path.join(root, "split.npz")
    write_npy(npy, rows)
    offsets, sizes = write_npz(npz, rows)
    # Independent checks: numpy reads the .npy's rows past 2^31; zipfile reads the archive's
    # directory (zip64) and numpy.load reads x and y (CRC-checked) from past 2^31.
    m = np.load(npy, mmap_mode="r")
    assert m.shape == (rows, ROW) and m.dtype == np.dtype("<i8")
    assert np.array_equal(m[rows - TAIL:], tail_rows(rows, ROW))
    assert not m[rows - TAIL - 1].any()
    del m
    with zipfile.ZipFile(npz) as zf:
        found = {i.filename[:-4]: i.header_offset for i in zf.infolist()}
        assert found == offsets, (found, offsets)
        assert {i.filename[:-4]: i.file_size for i in zf.infolist()} == sizes
        with zf.open("b.npy") as b:  # its header, found through the zip64 extra fields
            assert np.lib.format.read_magic(b) == (1, 0)
            assert np.lib.format.read_array_header_1_0(b) == ((rows, ROW // 2), False, np.dtype("<i8"))
    with np.load(npz, allow_pickle=False) as z:
        x = z["x"]
        y = z["y"]
    json.dump({"tail": TAIL, "npy_size": os.path.getsize(npy), "npz_size": os.path.getsize(npz),
               "offsets": offsets, "sizes": sizes, "x": x.tolist(), "y": y.tolist()}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
