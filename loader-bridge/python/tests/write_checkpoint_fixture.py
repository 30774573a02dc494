"""Writes the exact tensors (ckpt_helpers.exact_tensors) as a checkpoint, for the JVM to read.
Used by the checkpoint module's TestPythonInterop.

    python3 write_checkpoint_fixture.py ROOT STEP none|zstd
"""

import sys

from s3dlio_bridge import checkpoint as ck

try:
    from . import ckpt_helpers as h
except ImportError:  # run from this folder
    import ckpt_helpers as h

if __name__ == "__main__":
    root, step, compression = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    m = ck.save(root, step, h.as_save_input(h.exact_tensors()), {"writer": "python"}, compression=compression,
                chunk_size=4096)
    print(m["saveId"])
