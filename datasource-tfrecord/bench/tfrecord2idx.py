#!/usr/bin/env python3
"""Standard-library re-implementation of NVIDIA DALI's tools/tfrecord2idx, for timing.

It follows DALI's algorithm step by step: read the 8-byte length, read (and drop) the 4-byte
length CRC, read (and drop) the payload, read (and drop) the 4-byte data CRC, write
"<offset> <size>" with size = f.tell() - offset. Like DALI it checks no CRC and reads every
payload byte. Usage: tfrecord2idx.py TFRECORD INDEX
"""
import struct
import sys


def convert(tfrecord_file, idx_file):
    with open(tfrecord_file, "rb") as f, open(idx_file, "w") as idx:
        while True:
            current = f.tell()
            try:
                byte_len = f.read(8)
                if len(byte_len) == 0:
                    break
                f.read(4)
                proto_len = struct.unpack("q", byte_len)[0]
                f.read(proto_len)
                f.read(4)
                idx.write(str(current) + " " + str(f.tell() - current) + "\n")
            except Exception:
                print("Not a valid TFRecord file")
                break


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: tfrecord2idx.py TFRECORD INDEX")
    convert(sys.argv[1], sys.argv[2])
