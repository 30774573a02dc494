"""Frames of the bridge protocol: an 8-byte header (u32 payload length, u16 type, u16 flags),
the payload, and the CRC32C of header and payload (u32), all little-endian."""

import ctypes
import ctypes.util
import json
import struct

import numpy as np

HEADER = struct.Struct("<IHH")
TRAILER = struct.Struct("<I")
BATCH_HEADER = struct.Struct("<qqqii")  # epoch, step, position, rank, rows
ACK = struct.Struct("<qq")  # epoch, steps consumed

HELLO, WELCOME, SCHEMA, START, EPOCH, BATCH, ACK_FRAME, END, ERROR, BYE = range(1, 11)
NAMES = {HELLO: "HELLO", WELCOME: "WELCOME", SCHEMA: "SCHEMA", START: "START", EPOCH: "EPOCH",
         BATCH: "BATCH", ACK_FRAME: "ACK", END: "END", ERROR: "ERROR", BYE: "BYE"}


class BridgeError(Exception):
    """An error of the feed or of the stream. ``code`` is the server's error code (``bad_token``,
    ``non_deterministic``, ``rank_timeout``, ...) or ``frame`` / ``connection`` for stream errors."""

    def __init__(self, code, message):
        super().__init__("%s: %s" % (code, message))
        self.code = code
        self.message = message


class FrameError(BridgeError):
    """A frame that fails its CRC32C, is too long, or is otherwise malformed."""

    def __init__(self, message):
        super().__init__("frame", message)


class ConnectionLost(BridgeError):
    """The connection ended, possibly in the middle of a frame (then the frame is truncated)."""

    def __init__(self, message):
        super().__init__("connection", message)


def _table():
    t = np.zeros(256, dtype=np.uint32)
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t[i] = c
    return t


_TABLE = None


def _crc32c_table(data, value=0):
    """Byte-at-a-time CRC32C in Python: correct, about 1000x slower than the others; the last resort."""
    global _TABLE
    if _TABLE is None:
        _TABLE = _table()
    c = value ^ 0xFFFFFFFF
    for b in memoryview(data).cast("B"):
        c = int(_TABLE[(c ^ b) & 0xFF]) ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def _crc32c_isal():
    """CRC32C of Intel's ISA-L (``libisal.so.2``: Debian's ``libisal2``), which picks the CPU's CRC
    instructions at run time, through ctypes; None when the library is absent."""
    fn = None
    for name in ("libisal.so.2", None):  # then ask the system (find_library runs ldconfig: slower)
        name = name or ctypes.util.find_library("isal")
        if not name:
            continue
        try:
            fn = ctypes.CDLL(name).crc32_iscsi
            break
        except (OSError, AttributeError):
            continue
    if fn is not None:
        fn.restype = ctypes.c_uint32
        fn.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32]

        def crc(data, value=0):
            arr = data if isinstance(data, np.ndarray) else np.frombuffer(data, dtype=np.uint8)
            if not arr.flags.c_contiguous or arr.nbytes > 0x7FFFFFFF:
                return _module_crc(data, value)
            return fn(arr.ctypes.data, arr.nbytes, value ^ 0xFFFFFFFF) ^ 0xFFFFFFFF
        return crc
    return None


def _module():
    try:
        import crc32c as m
        return m
    except ImportError:
        return None


_MODULE = _module()


def _module_crc(data, value=0):
    return _MODULE.crc32c(data, value) if _MODULE is not None else _crc32c_table(data, value)


def implementations():
    """The CRC32C implementations at hand, fastest first, as (name, function(data, value=0))."""
    found = []
    if _MODULE is not None and getattr(_MODULE, "hardware_based", False):
        found.append(("crc32c module (hardware)", _MODULE.crc32c))
    isal = _crc32c_isal()
    if isal is not None:
        found.append(("ISA-L (libisal)", isal))
    if _MODULE is not None and not getattr(_MODULE, "hardware_based", False):
        found.append(("crc32c module (software)", _MODULE.crc32c))
    found.append(("Python table", _crc32c_table))
    return found


# Every BATCH frame's bytes go through the CRC once: the fastest implementation matters. PyPI's
# crc32c uses the CPU's CRC instructions; Debian's python3-crc32c 2.3 is software only (about
# 1.3 s per GB), so ISA-L comes before it when installed.
CRC32C_IMPLEMENTATION, _crc32c = implementations()[0]


def crc32c(data, value=0):
    """CRC32C (Castagnoli) of a bytes-like object, continuing from ``value``."""
    return _crc32c(data, value)


def encode(ftype, payload=b""):
    """One frame's bytes."""
    header = HEADER.pack(len(payload), ftype, 0)
    crc = crc32c(payload, crc32c(header))
    return header + bytes(payload) + TRAILER.pack(crc)


def encode_json(ftype, obj):
    return encode(ftype, json.dumps(obj, separators=(",", ":")).encode("utf-8"))


class FrameReader:
    """Reads frames from a socket. Each payload lands in a fresh buffer from ``allocate(nbytes)``
    (a uint8 ndarray; ``np.empty`` by default), so arrays viewing it stay valid."""

    def __init__(self, sock, max_payload=1 << 30, allocate=None):
        self.sock = sock
        self.max_payload = max_payload
        self.allocate = allocate or (lambda n: np.empty(n, dtype=np.uint8))
        self.offset = 0  # stream offset of the next frame, for messages
        self._header = bytearray(HEADER.size)

    def _fill(self, mv, what, frame_start):
        got = 0
        n = len(mv)
        while got < n:
            cause = ""
            try:
                k = self.sock.recv_into(mv[got:], n - got)
            except OSError as e:
                k = 0
                cause = " (%s)" % e
            if k == 0:
                if what == "header" and got == 0:
                    raise ConnectionLost("connection closed by the feed at stream offset %d%s" % (frame_start, cause))
                raise ConnectionLost("connection lost in the middle of a %s at stream offset %d: got %d of %d bytes, "
                                     "the frame is truncated%s" % (what, frame_start, got, n, cause))
            got += k

    def read(self):
        """Returns (type, payload as a uint8 ndarray)."""
        start = self.offset
        hv = memoryview(self._header)
        self._fill(hv, "header", start)
        length, ftype, flags = HEADER.unpack(self._header)
        name = NAMES.get(ftype, "type-%d" % ftype)
        if ftype not in NAMES or flags != 0 or length > self.max_payload:
            raise FrameError("bad frame header at stream offset %d: type %d, flags %d, %d payload bytes (limit %d): "
                             "not a bridge server, or a corrupt stream" % (start, ftype, flags, length, self.max_payload))
        buf = self.allocate(length + TRAILER.size)
        self._fill(memoryview(buf)[:length + TRAILER.size], "%s frame" % name, start)
        payload = buf[:length]
        crc = crc32c(payload, crc32c(self._header))
        (expected,) = TRAILER.unpack_from(buf, length)
        self.offset = start + HEADER.size + length + TRAILER.size
        if crc != expected:
            raise FrameError("CRC32C mismatch in a %s frame of %d payload bytes at stream offset %d: computed "
                             "%08x, the frame says %08x" % (name, length, start, crc, expected))
        return ftype, payload


def decode_json(ftype, payload):
    try:
        obj = json.loads(bytes(payload).decode("utf-8"))
    except ValueError as e:
        raise FrameError("%s payload is not JSON: %s" % (NAMES.get(ftype, ftype), e))
    if not isinstance(obj, dict):
        raise FrameError("%s payload is not a JSON object" % NAMES.get(ftype, ftype))
    return obj
