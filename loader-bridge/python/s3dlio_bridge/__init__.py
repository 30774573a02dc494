"""s3dlio_bridge: the trainer side of the s3dlio Spark-to-trainer bridge, and the checkpoint
reader/writer (``s3dlio_bridge.checkpoint``).

Importing the package imports nothing heavy: the client needs numpy (and flatbuffers);
``BridgeDataset`` needs torch and is loaded on first use.
"""

__version__ = "0.1.0"

__all__ = ["BridgeClient", "BridgeDataset", "BridgeError", "FrameError", "ConnectionLost", "__version__"]


def __getattr__(name):
    if name in ("BridgeClient",):
        from .client import BridgeClient
        return BridgeClient
    if name in ("BridgeError", "FrameError", "ConnectionLost"):
        from . import frames
        return getattr(frames, name)
    if name == "BridgeDataset":
        from .torch_dataset import BridgeDataset
        return BridgeDataset
    raise AttributeError("module 's3dlio_bridge' has no attribute %r" % name)
