"""The bridge client (numpy only): connects one rank to a feed and iterates its epochs."""

import os
import queue
import socket
import threading
import time

from . import arrow_ipc
from . import frames as F
from .frames import BridgeError, ConnectionLost, FrameError

PROTOCOL = 1
ENV_ADDRESS = "S3DLIO_BRIDGE_ADDRESS"
ENV_TOKEN = "S3DLIO_BRIDGE_TOKEN"


class Batch(dict):
    """One rank's batch: {column: values}. Numeric and tensor values are numpy views of the
    receive buffer (no copy); strings and binaries are :class:`arrow_ipc.VarColumn`.

    ``valid`` maps the columns holding nulls to a boolean mask. ``epoch``, ``step`` (within the
    run), ``position`` (the epoch-order position of the first row) and ``rows`` say where it is.
    """

    def __init__(self, values, valid, epoch, step, position, rows, buffer):
        super().__init__(values)
        self.valid = valid
        self.epoch = epoch
        self.step = step
        self.position = position
        self.rows = rows
        self.buffer = buffer


def _parse_address(address):
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError("feed address %r is not host:port" % address)
    return host.strip("[]"), int(port)


class BridgeClient:
    """One rank's connection to a feed.

    ``address`` (``host:port``) and ``token`` default to the environment variables
    ``S3DLIO_BRIDGE_ADDRESS`` and ``S3DLIO_BRIDGE_TOKEN``; ``rank`` and ``world_size`` to
    ``RANK`` and ``WORLD_SIZE``. ``credits`` is how many batches the feed may send ahead of what
    this rank consumed. A lost connection is re-established within ``reconnect_timeout`` seconds
    (default: the feed's), resuming at the first batch not consumed.
    """

    def __init__(self, address=None, token=None, rank=None, world_size=None, *, credits=4,
                 connect_timeout=30.0, reconnect_timeout=None, allocate=None, release=None, max_frame=1 << 30):
        address = address or os.environ.get(ENV_ADDRESS)
        token = token if token is not None else os.environ.get(ENV_TOKEN)
        if not address or token is None:
            raise ValueError("no feed address/token: pass them or set %s and %s" % (ENV_ADDRESS, ENV_TOKEN))
        self.host, self.port = _parse_address(address)
        self._token = token
        self.rank = int(rank if rank is not None else os.environ.get("RANK", 0))
        self.world_size = int(world_size if world_size is not None else os.environ.get("WORLD_SIZE", 1))
        self.credits = int(credits)
        self.connect_timeout = connect_timeout
        self._reconnect_timeout = reconnect_timeout
        self._allocate = allocate
        self._release = release or (lambda buffer: None)
        self._max_frame = max_frame
        self._send_lock = threading.Lock()
        self._state = threading.Lock()
        self._sock = None
        self._reader = None
        self._stream = None
        self._closed = False
        self._broken = None  # an error that ends the connection, raised by the next epoch()
        self._open(time.monotonic() + connect_timeout)
        self._thread = threading.Thread(target=self._receive, name="s3dlio-bridge-recv-%d" % self.rank, daemon=True)
        self._thread.start()

    # -- what the feed said --------------------------------------------------------------------
    @property
    def rows(self):
        return self.info["rows"]

    @property
    def batch_size(self):
        return self.info["batch_size"]

    @property
    def global_batch(self):
        return self.info["batch_size"] * self.info["world_size"]

    @property
    def seed(self):
        return self.info["seed"]

    @property
    def fingerprint(self):
        return self.info["fingerprint"]

    @property
    def reconnect_timeout(self):
        if self._reconnect_timeout is not None:
            return self._reconnect_timeout
        return self.info.get("reconnect_timeout_ms", 30000) / 1000.0

    def steps(self, offset=0):
        """Steps every rank gets in a run of an epoch from ``offset`` (rows already consumed)."""
        remaining = self.rows - offset
        if remaining <= 0:
            return 0
        g = self.global_batch
        return remaining // g if self.info["tail"] == "drop" else -(-remaining // g)

    # -- connection ----------------------------------------------------------------------------
    def _open(self, deadline):
        """Connects and says hello; retries refused connections until ``deadline``."""
        last = None
        while True:
            try:
                sock = socket.create_connection((self.host, self.port),
                                                timeout=max(0.1, min(self.connect_timeout, deadline - time.monotonic())))
                break
            except OSError as e:
                last = e
                if time.monotonic() >= deadline:
                    raise ConnectionLost("cannot connect to the feed at %s:%d: %s" % (self.host, self.port, last))
                time.sleep(0.1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        reader = F.FrameReader(sock, self._max_frame, self._allocate)
        sock.sendall(F.encode_json(F.HELLO, {"protocol": PROTOCOL, "token": self._token, "rank": self.rank,
                                             "world_size": self.world_size, "credits": self.credits}))
        ftype, payload = reader.read()
        if ftype == F.ERROR:
            err = F.decode_json(ftype, payload)
            sock.close()
            raise BridgeError(err.get("code", "error"), err.get("message", ""))
        if ftype != F.WELCOME:
            sock.close()
            raise FrameError("expected WELCOME from the feed, got %s" % F.NAMES.get(ftype, ftype))
        info = F.decode_json(ftype, payload)
        ftype, payload = reader.read()
        if ftype != F.SCHEMA:
            sock.close()
            raise FrameError("expected SCHEMA from the feed, got %s" % F.NAMES.get(ftype, ftype))
        schema = arrow_ipc.read_schema(payload)
        sock.settimeout(None)
        previous = getattr(self, "info", None)
        if previous is not None and previous["fingerprint"] != info["fingerprint"]:
            sock.close()
            raise BridgeError("bad_state", "the feed at %s:%d now serves plan %s, not %s"
                              % (self.host, self.port, info["fingerprint"], previous["fingerprint"]))
        self.info = info
        self.schema = schema
        self._batches = arrow_ipc.RecordBatchReader(schema)
        self.credits = info.get("credits", self.credits)
        with self._state:
            self._sock = sock
            self._reader = reader

    def _send(self, data):
        with self._send_lock:
            sock = self._sock
            if sock is None:
                raise ConnectionLost("not connected to the feed")
            sock.sendall(data)

    def _ack(self, epoch, consumed):
        try:
            self._send(F.encode(F.ACK_FRAME, F.ACK.pack(epoch, consumed)))
        except (OSError, ConnectionLost):
            pass  # a reconnect tells the feed what was consumed

    # -- the receiver thread -------------------------------------------------------------------
    def _receive(self):
        while not self._closed:
            try:
                ftype, payload = self._reader.read()
                self._dispatch(ftype, payload)
            except ConnectionLost as lost:
                if self._closed:
                    return
                try:
                    self._reconnect(lost)
                except BridgeError as e:
                    self._fail(e)
                    return
            except (BridgeError, arrow_ipc.ArrowFormatError) as e:
                self._fail(e if isinstance(e, BridgeError) else FrameError(str(e)))
                return
            except Exception as e:  # pragma: no cover - a bug: do not hang the trainer
                self._fail(BridgeError("client", "receiver failed: %r" % e))
                return

    def _fail(self, error):
        """Ends the current stream (and any later start) with ``error`` and closes the socket."""
        with self._state:
            stream = self._stream
            self._broken = error
            sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass
        if stream is not None:
            stream._deliver(error)

    def _dispatch(self, ftype, payload):
        stream = self._stream
        if ftype == F.BATCH:
            epoch, step, position, rank, rows = F.BATCH_HEADER.unpack_from(payload, 0)
            if stream is None or not stream.active or epoch != stream.epoch or step < stream._received:
                self._release(payload)  # a resend of what is already here, or of a run left behind
                return
            if step != stream._received:
                raise FrameError("batch step %d arrived, step %d was expected (epoch %d)"
                                 % (step, stream._received, epoch))
            decoded = self._batches.read(payload, F.BATCH_HEADER.size)
            if decoded is None:
                raise FrameError("BATCH frame of step %d holds no Arrow record batch" % step)
            values, valid = decoded
            stream._received = step + 1
            stream._deliver(Batch(values, valid, epoch, step, position, rows, payload))
        elif ftype == F.EPOCH:
            info = F.decode_json(ftype, payload)
            if stream is not None and not stream.active:
                stream._started(info)
        elif ftype == F.END:
            if stream is not None:
                stream._deliver(StopIteration())
        elif ftype == F.ERROR:
            err = F.decode_json(ftype, payload)
            e = BridgeError(err.get("code", "error"), err.get("message", ""))
            if "epoch" in err and (stream is None or (err["epoch"], err.get("offset")) != (stream.epoch, stream.offset)):
                return  # about a run this rank has left
            if stream is not None:
                stream._deliver(e)
            else:
                self._broken = e
        else:
            raise FrameError("unexpected %s frame from the feed" % F.NAMES.get(ftype, ftype))

    def _reconnect(self, lost):
        deadline = time.monotonic() + self.reconnect_timeout
        with self._state:
            old, self._sock = self._sock, None
        if old is not None:
            old.close()
        try:
            self._open(deadline)
        except BridgeError as e:
            raise BridgeError(e.code, "%s; reconnecting within %.1f s failed: %s"
                              % (lost.message, self.reconnect_timeout, e.message))
        stream = self._stream
        if stream is not None and not stream.done:  # (also when the loss came before its EPOCH)
            stream.active = False  # until the feed confirms with EPOCH
            self._send(F.encode_json(F.START, {"epoch": stream.epoch, "offset": stream.offset, "reconnect": True,
                                               "consumed": stream.consumed}))

    # -- epochs --------------------------------------------------------------------------------
    def epoch(self, epoch, offset=0, *, seed=None, fingerprint=None):
        """Starts a run of ``epoch`` from ``offset`` and returns it (an iterator of :class:`Batch`).
        ``seed`` and ``fingerprint`` (from saved state) make the feed check it serves the same plan."""
        if self._stream is not None and not self._stream.done:
            self._stream.close()
        if self._broken is not None:
            raise self._broken
        stream = EpochStream(self, epoch, offset)
        self._stream = stream
        msg = {"epoch": epoch, "offset": offset}
        if seed is not None:
            msg["seed"] = seed
        if fingerprint is not None:
            msg["fingerprint"] = fingerprint
        self._send(F.encode_json(F.START, msg))
        stream._wait_started()
        return stream

    def close(self):
        if self._closed:
            return
        self._closed = True
        try:
            self._send(F.encode(F.BYE))
        except (OSError, ConnectionLost):
            pass
        with self._state:
            sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        if self._thread is not threading.current_thread():
            self._thread.join(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class EpochStream:
    """A run of one epoch for one rank: iterate it for the rank's batches, in order. Each batch
    handed out counts as consumed (acknowledged to the feed)."""

    def __init__(self, client, epoch, offset):
        self._client = client
        self.epoch = epoch
        self.offset = offset
        self.steps = None
        self.active = False
        self.done = False
        self.consumed = 0
        self._received = 0
        self._queue = queue.Queue()
        self._ready = threading.Event()
        self._error = None

    def _started(self, info):
        if self.steps is None:
            self.steps = int(info["steps"])
            self.consumed = self._received = int(info.get("first_step", 0))
            expected = self._client.steps(self.offset)
            if self.steps != expected:
                self._error = BridgeError("bad_state", "the feed announces %d steps for epoch %d from row %d, "
                                          "the client computes %d" % (self.steps, self.epoch, self.offset, expected))
        else:
            self._received = max(self._received, int(info.get("first_step", 0)))
        self.active = True
        self._ready.set()

    def _deliver(self, item):
        if isinstance(item, BaseException) and not isinstance(item, StopIteration) and self.steps is None:
            self._error = self._error or item  # before the run started: _wait_started raises it
            self._ready.set()
        self._queue.put(item)  # after: raised in order, once the batches received before it are consumed

    def _wait_started(self):
        self._ready.wait()
        if self._error is not None:
            self.done = True
            raise self._error

    def __len__(self):
        return self.steps

    def __iter__(self):
        return self

    def __next__(self):
        if self.done:
            raise StopIteration
        if self.consumed >= self.steps:
            self._finish()
            raise StopIteration
        item = self._queue.get()
        if isinstance(item, StopIteration):
            self.done = True
            raise BridgeError("protocol", "the feed ended epoch %d after %d of %d steps"
                              % (self.epoch, self.consumed, self.steps))
        if isinstance(item, BaseException):
            self.done = True
            raise item
        self.consumed += 1
        self._client._ack(self.epoch, self.consumed)
        return item

    def _finish(self):
        """Waits for the feed's END (or error) after the last step."""
        while True:
            item = self._queue.get()
            if isinstance(item, StopIteration):
                break
            if isinstance(item, BaseException):
                self.done = True
                raise item
        self.done = True

    def close(self):
        """Leaves the run early (the feed skips this rank's remaining batches)."""
        self.done = True
