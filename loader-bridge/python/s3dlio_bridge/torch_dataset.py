"""A PyTorch ``IterableDataset`` over a bridge feed (needs torch)."""

import threading

import numpy as np
import torch
import torch.distributed as dist
from torch.utils.data import IterableDataset

from .arrow_ipc import VarColumn
from .client import BridgeClient

STATE_VERSION = 1


class PinnedBuffers:
    """Receive buffers in page-locked memory, reused once the copies to the GPU that read them are
    done (a CUDA event per buffer). Used only when the batches go to a CUDA device."""

    SMALL = 1 << 16

    def __init__(self, limit=16, make=None):
        self._make = make or (lambda n: torch.empty(n, dtype=torch.uint8).pin_memory())
        self._lock = threading.Lock()
        self._free = []  # (capacity, tensor)
        self._busy = {}  # data pointer -> (tensor, event or None)
        self._limit = limit

    def allocate(self, nbytes):
        if nbytes < self.SMALL:
            return np.empty(nbytes, dtype=np.uint8)  # control frames
        with self._lock:
            self._reclaim()
            for i, (cap, t) in enumerate(self._free):
                if cap >= nbytes:
                    del self._free[i]
                    break
            else:
                cap = max(1 << 16, 1 << (int(nbytes) - 1).bit_length())
                t = self._make(cap)
            arr = t.numpy()[:nbytes]
            self._busy[arr.ctypes.data] = (t, None)
            return arr

    def _reclaim(self):
        for ptr, (t, event) in list(self._busy.items()):
            if event is not None and event.query():
                del self._busy[ptr]
                if len(self._free) < self._limit:
                    self._free.append((t.numel(), t))

    def release(self, buffer):
        """A buffer no batch uses (a dropped frame): free for reuse now."""
        self.copied(buffer, None, done=True)

    def copied(self, buffer, event, done=False):
        """The GPU copies reading ``buffer`` complete when ``event`` does."""
        with self._lock:
            entry = self._busy.pop(buffer.ctypes.data, None)
            if entry is None:
                return
            if done:
                if len(self._free) < self._limit:
                    self._free.append((entry[0].numel(), entry[0]))
            else:
                self._busy[buffer.ctypes.data] = (entry[0], event)


def _default_rank_world(rank, world_size):
    if rank is None and dist.is_available() and dist.is_initialized():
        rank = dist.get_rank()
    if world_size is None and dist.is_available() and dist.is_initialized():
        world_size = dist.get_world_size()
    return rank, world_size


class BridgeDataset(IterableDataset):
    """One rank's view of a bridge feed, as a PyTorch ``IterableDataset`` of ready batches
    (use it with ``DataLoader(ds, batch_size=None)`` or iterate it directly; it receives in a
    thread of its own, so keep ``num_workers=0``).

    Each item is a dict {column: tensor}: numeric and tensor columns are ``torch.from_numpy``
    over the receive buffer (no copy); on a CUDA ``device`` they are received into pinned memory
    and copied with ``non_blocking=True``. String and binary columns are lists; date and
    timestamp columns stay numpy ``datetime64`` arrays.

    ``len(ds)`` is the number of steps the next iteration yields, the same on every rank.
    ``set_epoch(e)`` selects the epoch; ``state_dict()`` / ``load_state_dict()`` save and restore
    the position (epoch, rows consumed, seed, plan fingerprint), which does not depend on the
    number of ranks: save it after the optimizer step of a batch.
    """

    def __init__(self, address=None, token=None, *, rank=None, world_size=None, credits=4, device=None,
                 columns=None, reconnect_timeout=None, connect_timeout=30.0):
        super().__init__()
        rank, world_size = _default_rank_world(rank, world_size)
        self.device = torch.device(device) if device is not None else torch.device("cpu")
        self._pinned = PinnedBuffers(limit=credits + 4) if self.device.type == "cuda" else None
        self.client = BridgeClient(address, token, rank, world_size, credits=credits,
                                   connect_timeout=connect_timeout, reconnect_timeout=reconnect_timeout,
                                   allocate=self._pinned.allocate if self._pinned else None,
                                   release=self._pinned.release if self._pinned else None)
        self.columns = list(columns) if columns is not None else None
        self._epoch = 0
        self._offset = 0
        self._check = None  # (seed, fingerprint) of loaded state, checked by the feed
        self.last_position = None  # epoch-order position of the first row of the last batch

    def __len__(self):
        return self.client.steps(self._offset)

    def set_epoch(self, epoch):
        if epoch != self._epoch:
            self._epoch = int(epoch)
            self._offset = 0

    @property
    def epoch(self):
        return self._epoch

    def state_dict(self):
        return {"version": STATE_VERSION, "epoch": self._epoch, "offset": self._offset,
                "seed": self.client.seed, "fingerprint": self.client.fingerprint}

    def load_state_dict(self, state):
        if state.get("version") != STATE_VERSION:
            raise ValueError("bridge state version %r is not %d" % (state.get("version"), STATE_VERSION))
        self._epoch = int(state["epoch"])
        self._offset = int(state["offset"])
        self._check = (int(state["seed"]), str(state["fingerprint"]))

    def __iter__(self):
        seed, fingerprint = self._check if self._check else (None, None)
        start = self._offset
        stream = self.client.epoch(self._epoch, start, seed=seed, fingerprint=fingerprint)
        self._check = None
        g = self.client.global_batch
        for batch in stream:
            self._offset = start + (batch.step + 1) * g
            self.last_position = batch.position
            yield self._convert(batch)
        self._epoch += 1
        self._offset = 0

    def _convert(self, batch):
        out = {}
        cuda = self.device.type == "cuda"
        for name, v in batch.items():
            if self.columns is not None and name not in self.columns:
                continue
            if isinstance(v, VarColumn):
                out[name] = v.to_pylist()
            elif v.dtype.kind == "M":
                out[name] = v.copy() if cuda else v
            else:
                t = torch.from_numpy(v)
                out[name] = t.to(self.device, non_blocking=True) if cuda else t
        if cuda:
            event = torch.cuda.Event()
            event.record()
            self._pinned.copied(batch.buffer, event)
        if batch.valid:
            out["_valid"] = {k: torch.from_numpy(m) for k, m in batch.valid.items()}
        return out

    def close(self):
        self.client.close()
