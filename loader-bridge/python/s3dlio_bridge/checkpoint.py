"""Read, verify and write s3dlio checkpoints (docs/checkpoint-format.md) on local paths.

Only numpy and Debian's ``python3-zstandard`` are needed; CRC32C is the client's fastest at hand
(``frames.crc32c``: ISA-L when ``libisal2`` is installed, else ``python3-crc32c``). A checkpoint root
is a folder (or a ``file://`` URI): ``step-<12 digits>.manifest.json`` files are the committed
checkpoints, ``step-<12 digits>/<save id>/rank-RRRRR-of-WWWWW.shard`` their shards, ``latest`` a hint.

    from s3dlio_bridge import checkpoint
    ck = checkpoint.open_checkpoint("/ckpt/run1")            # the newest committed step
    w = ck.read("layer.0.weight")                             # numpy array, CRC32C checked
    arrays = checkpoint.load("/ckpt/run1", step=42, names=["a", "b"], rank=0)
    checkpoint.verify("/ckpt/run1", 42)                       # every byte; raises on damage
    checkpoint.save("/ckpt/run1", 43, {"w": w}, {"loader": "..."}, compression="zstd")

Every damage raises :class:`CheckpointCorruptError` whose message names the checkpoint, the rank,
the part (a tensor, or the shard's header, index, trailer, or the whole shard, or the manifest),
and the expected and actual CRC32C where a checksum failed.
"""

import datetime
import json
import os
import re
import secrets
import struct
import uuid

import numpy as np

from . import frames

MAGIC = b"S3DLCKPT"
VERSION = 1
HEADER_FIXED = 42
TRAILER = 32
FLAG_ZSTD = 1
MAX_CHUNK = 4 << 20
FORMAT = "s3dlio-checkpoint"
LATEST = "latest"
TEMP_MARK = ".s3dlio-tmp-"
_CRC_MEMBER = ',"manifestCrc32c":'
_MANIFEST = re.compile(r"^step-(\d{12,19})\.manifest\.json$")
_SAVE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")

# format dtype id -> numpy dtype (bfloat16 is stored as the top 16 bits of a float32)
DTYPES = {
    "float64": "<f8", "float32": "<f4", "float16": "<f2", "bfloat16": "<u2",
    "int64": "<i8", "int32": "<i4", "int16": "<i2", "int8": "i1",
    "uint64": "<u8", "uint32": "<u4", "uint16": "<u2", "uint8": "u1", "bool": "?",
}
_FROM_NUMPY = {np.dtype(v).str: k for k, v in DTYPES.items() if k != "bfloat16"}


class CheckpointError(Exception):
    """A checkpoint operation failed for a reason of the checkpoint itself."""


class CheckpointNotFoundError(CheckpointError):
    """No committed checkpoint at the step asked for."""


class CheckpointExistsError(CheckpointError):
    """The step is already committed."""


class CheckpointCorruptError(CheckpointError):
    """Stored bytes failed a check; the attributes say where."""

    def __init__(self, checkpoint, rank, part, tensor, problem, obj, offset=-1, expected=None, actual=None):
        self.checkpoint, self.rank, self.part, self.tensor = checkpoint, rank, part, tensor
        self.object, self.offset, self.expected_crc, self.actual_crc = obj, offset, expected, actual
        msg = "Corrupt checkpoint %s" % checkpoint
        if rank >= 0:
            msg += " rank %d" % rank
        msg += ", %s: %s" % ("tensor '%s'" % tensor if tensor is not None else part, problem)
        if expected is not None:
            msg += ": expected CRC32C 0x%08x, actual 0x%08x" % (expected, actual)
        msg += " (%s%s)" % (obj, " at offset %d" % offset if offset >= 0 else "")
        super().__init__(msg)


def crc32c(data):
    """CRC32C of bytes-like ``data`` as an unsigned int."""
    return frames.crc32c(data) & 0xFFFFFFFF


def _zstd():
    import zstandard
    return zstandard


def _root(root):
    root = os.fspath(root)
    if root.startswith("file://"):
        root = root[len("file://"):]
    elif root.startswith("file:"):
        root = root[len("file:"):]
    elif "://" in root:
        raise ValueError("Cannot open %s here: the Python module reads local paths (use the JVM for remote stores)" % root)
    return os.path.abspath(root)


def _uri(path):
    return "file://" + path


def manifest_name(step):
    return "step-%012d.manifest.json" % step


def shard_key(step, save_id, rank, world):
    return "step-%012d/%s/rank-%05d-of-%05d.shard" % (step, save_id, rank, world)


def _label(root, step, save_id=None):
    return "%s step %d%s" % (_uri(root) + "/", step, " (save %s)" % save_id if save_id else "")


# ---------------------------------------------------------------------------------------- manifest

def decode_manifest(data, root, step):
    """Checks and parses a manifest's bytes (its own CRC32C, then its members)."""
    where = _label(root, step)
    obj = _uri(os.path.join(root, manifest_name(step)))

    def bad(problem, expected=None, actual=None):
        return CheckpointCorruptError(where, -1, "manifest", None, problem, obj, -1, expected, actual)

    text = data.decode("utf-8", errors="replace")
    trimmed = text[:-1] if text.endswith("\n") else text
    at = trimmed.rfind(_CRC_MEMBER)
    if at < 0 or not trimmed.endswith("}"):
        raise bad('no "manifestCrc32c" member at its end (not a manifest, or edited)')
    value = trimmed[at + len(_CRC_MEMBER):-1]
    if not re.fullmatch(r'"[0-9a-f]{8}"', value):
        raise bad('"manifestCrc32c" is not a quoted CRC32C')
    expected = int(value[1:9], 16)
    actual = crc32c((trimmed[:at] + "}").encode("utf-8"))
    if actual != expected:
        raise bad("manifest CRC32C mismatch (edited or damaged)", expected, actual)
    try:
        m = json.loads(trimmed)
        if m["format"] != FORMAT or m["version"] != VERSION:
            raise ValueError("format %r version %r" % (m["format"], m["version"]))
        if m["step"] != step:
            raise ValueError("records step %d but is named for step %d" % (m["step"], step))
        if not _SAVE_ID.match(m["saveId"]):
            raise ValueError("invalid save id %r" % m["saveId"])
        world = m["worldSize"]
        if len(m["shards"]) != world:
            raise ValueError("%d shards for world size %d" % (len(m["shards"]), world))
        for r, s in enumerate(m["shards"]):
            if s["rank"] != r or s["key"] != shard_key(step, m["saveId"], r, world):
                raise ValueError("shard %d is rank %d at %r" % (r, s["rank"], s["key"]))
            s["crc32c"] = int(s["crc32c"], 16)
        if m["compression"] not in ("none", "zstd"):
            raise ValueError("compression %r" % m["compression"])
        return m
    except (KeyError, TypeError, ValueError) as e:
        raise bad("invalid manifest: %s" % e) from None


def _encode_manifest(m):
    body = json.dumps(m, separators=(",", ":"), ensure_ascii=False)
    crc = crc32c(body.encode("utf-8"))
    return (body[:-1] + _CRC_MEMBER + '"%08x"}\n' % crc).encode("utf-8")


def committed_steps(root):
    """Steps that have a manifest, ascending."""
    root = _root(root)
    if not os.path.isdir(root):
        return []
    out = []
    for name in os.listdir(root):
        m = _MANIFEST.match(name)
        if m:
            out.append(int(m.group(1)))
    return sorted(out)


def read_manifest(root, step):
    root = _root(root)
    path = os.path.join(root, manifest_name(step))
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise CheckpointNotFoundError("No committed checkpoint at step %d under %s/ (no manifest %s)"
                                      % (step, _uri(root), manifest_name(step))) from None
    return decode_manifest(data, root, step)


def list_checkpoints(root):
    """Manifests of the committed checkpoints that pass their checks, by step."""
    out = []
    for step in committed_steps(root):
        try:
            out.append(read_manifest(root, step))
        except CheckpointError:
            pass
    return out


def latest(root):
    """The manifest of the newest committed checkpoint (listing manifests; ``latest`` is only a hint), or None."""
    for step in reversed(committed_steps(root)):
        try:
            return read_manifest(root, step)
        except CheckpointError:
            continue
    return None


# ------------------------------------------------------------------------------------------ shards

class Shard:
    """One rank's shard, opened: size checked against the manifest, header, trailer and index checked."""

    def __init__(self, root, manifest, rank):
        self.root, self.manifest, self.rank = root, manifest, rank
        rec = manifest["shards"][rank]
        self.path = os.path.join(root, rec["key"])
        self.label = _label(root, manifest["step"], manifest["saveId"])
        try:
            size = os.path.getsize(self.path)
        except FileNotFoundError:
            raise self.corrupt("shard", None, "the shard is missing") from None
        if size != rec["size"]:
            raise self.corrupt("shard", None, "the shard is %d bytes, the manifest records %d (truncated or appended to)"
                               % (size, rec["size"]))
        self.size = size
        with open(self.path, "rb") as f:
            head = f.read(256)
            self._header(head)
            f.seek(size - TRAILER)
            trailer = f.read(TRAILER)
            index_offset, index_length = self._trailer(trailer)
            f.seek(index_offset)
            index = f.read(index_length)
        actual = crc32c(index)
        if actual != self.index_crc:
            raise self.corrupt("index", None, "index CRC32C mismatch", index_offset, self.index_crc, actual)
        self._index(index, index_offset)

    def corrupt(self, part, tensor, problem, offset=-1, expected=None, actual=None):
        return CheckpointCorruptError(self.label, self.rank, part, tensor, problem, _uri(self.path), offset,
                                      expected, actual)

    def _header(self, b):
        if len(b) < HEADER_FIXED or b[:8] != MAGIC:
            raise self.corrupt("header", None, 'no magic "S3DLCKPT" at offset 0 (not a checkpoint shard)', 0)
        version, flags, length = struct.unpack_from("<HHI", b, 8)
        if length < HEADER_FIXED or length > len(b):
            raise self.corrupt("header", None, "header length %d out of range" % length, 12)
        expected = struct.unpack_from("<I", b, length - 4)[0]
        actual = crc32c(b[:length - 4])
        if expected != actual:
            raise self.corrupt("header", None, "header CRC32C mismatch", length - 4, expected, actual)
        if version != VERSION:
            raise self.corrupt("header", None, "format version %d" % version, 8)
        step, rank, world, chunk, id_len = struct.unpack_from("<QIIIH", b, 16)
        save_id = b[38:38 + id_len].decode("utf-8")
        m = self.manifest
        if (step, rank, world, save_id) != (m["step"], self.rank, m["worldSize"], m["saveId"]):
            raise self.corrupt("header", None, "the shard belongs to step %d (save %s) rank %d of %d, not to this "
                               "checkpoint's rank %d of %d (shards swapped or copied from another checkpoint?)"
                               % (step, save_id, rank, world, self.rank, m["worldSize"]), 0)
        self.header_length, self.zstd, self.chunk_size = length, bool(flags & FLAG_ZSTD), chunk

    def _trailer(self, t):
        at = self.size - TRAILER
        if t[24:32] != MAGIC:
            raise self.corrupt("trailer", None, 'no magic "S3DLCKPT" in the last 8 bytes (truncated or appended to?)',
                               at + 24)
        expected = struct.unpack_from("<I", t, 20)[0]
        actual = crc32c(t[:20])
        if expected != actual:
            raise self.corrupt("trailer", None, "trailer CRC32C mismatch", at + 20, expected, actual)
        offset, length, self.index_crc = struct.unpack_from("<QQI", t, 0)
        if offset < self.header_length or offset + length != at:
            raise self.corrupt("trailer", None, "index at %d length %d does not end where the trailer starts (%d)"
                               % (offset, length, at), at)
        return offset, length

    def _index(self, data, index_offset):
        try:
            doc = json.loads(data.decode("utf-8"))
            nxt = self.header_length
            self.tensors = {}
            for t in doc["tensors"]:
                shape = tuple(int(d) for d in t["shape"])
                itemsize = np.dtype(DTYPES[t["dtype"]]).itemsize
                size = int(np.prod(shape, dtype=np.int64)) * itemsize
                if size != t["size"]:
                    raise ValueError("tensor %r: size %d disagrees with shape %s" % (t["name"], t["size"], shape))
                chunks, raw = [], 0
                for off, stored, rawlen, crc in t["chunks"]:
                    if off != nxt or rawlen <= 0 or rawlen > self.chunk_size or (not self.zstd and stored != rawlen):
                        raise ValueError("tensor %r: chunk at %d is not where or what it should be" % (t["name"], off))
                    chunks.append((off, stored, rawlen, int(crc, 16)))
                    nxt += stored
                    raw += rawlen
                if raw != size:
                    raise ValueError("tensor %r: chunks hold %d bytes, size is %d" % (t["name"], raw, size))
                if t["name"] in self.tensors:
                    raise ValueError("tensor %r twice" % t["name"])
                self.tensors[t["name"]] = {"dtype": t["dtype"], "shape": shape, "size": size,
                                           "crc32c": int(t["crc32c"], 16), "chunks": chunks}
            if nxt != index_offset:
                raise ValueError("chunks end at %d, the index starts at %d" % (nxt, index_offset))
        except (KeyError, TypeError, ValueError) as e:
            raise self.corrupt("index", None, "invalid index: %s" % e, index_offset) from None

    def _decode(self, name, k, chunk, stored):
        off, length, rawlen, crc = chunk
        actual = crc32c(stored)
        if actual != crc:
            raise self.corrupt(None, name, "CRC32C of chunk %d (%s, %d bytes) does not match"
                               % (k, "zstd frame" if self.zstd else "raw", length), off, crc, actual)
        if not self.zstd:
            return stored
        try:
            raw = _zstd().ZstdDecompressor().decompress(stored, max_output_size=rawlen)
        except Exception as e:  # zstandard.ZstdError
            raise self.corrupt(None, name, "chunk %d does not decompress: %s" % (k, e), off) from None
        if len(raw) != rawlen:
            raise self.corrupt(None, name, "chunk %d decompresses to %d bytes, not %d" % (k, len(raw), rawlen), off)
        return raw

    def read_bytes(self, name):
        """The raw bytes of one tensor, every chunk's and the tensor's CRC32C checked."""
        t = self.tensors.get(name)
        if t is None:
            raise CheckpointError("No tensor '%s' in %s rank %d (%d tensors in %s)"
                                  % (name, self.label, self.rank, len(self.tensors), _uri(self.path)))
        out = bytearray(t["size"])
        pos = 0
        with open(self.path, "rb") as f:
            for k, c in enumerate(t["chunks"]):
                f.seek(c[0])
                raw = self._decode(name, k, c, f.read(c[1]))
                out[pos:pos + len(raw)] = raw
                pos += len(raw)
        actual = crc32c(out)
        if actual != t["crc32c"]:
            raise self.corrupt(None, name, "CRC32C of the raw bytes does not match",
                               t["chunks"][0][0] if t["chunks"] else -1, t["crc32c"], actual)
        return bytes(out)

    def read(self, name, bf16="float32"):
        """One tensor as a numpy array; bfloat16 as float32 (exact) or, with ``bf16="bits"``, uint16."""
        t = self.tensors.get(name)
        data = self.read_bytes(name)
        a = np.frombuffer(data, dtype=DTYPES[t["dtype"]]).reshape(t["shape"])
        if t["dtype"] == "bfloat16" and bf16 == "float32":
            a = (a.astype(np.uint32) << 16).view(np.float32)
        return a

    def verify(self):
        """Reads every byte in order, checks every chunk and tensor; returns the CRC32C of the whole shard."""
        whole = 0
        with open(self.path, "rb") as f:
            head = f.read(self.header_length)
            whole = frames.crc32c(head, whole)
            for name, t in self.tensors.items():
                tcrc = 0
                for k, c in enumerate(t["chunks"]):
                    stored = f.read(c[1])
                    if len(stored) != c[1]:
                        raise self.corrupt(None, name, "the shard ends inside chunk %d" % k, c[0])
                    whole = frames.crc32c(stored, whole)
                    tcrc = frames.crc32c(self._decode(name, k, c, stored), tcrc)
                if tcrc & 0xFFFFFFFF != t["crc32c"]:
                    raise self.corrupt(None, name, "CRC32C of the raw bytes does not match",
                                       t["chunks"][0][0] if t["chunks"] else -1, t["crc32c"], tcrc & 0xFFFFFFFF)
            whole = frames.crc32c(f.read(), whole)
        return whole & 0xFFFFFFFF


class Checkpoint:
    """A committed checkpoint opened for reading; shards open (and are checked) on first use."""

    def __init__(self, root, step=None):
        self.root = _root(root)
        if step is None:
            self.manifest = latest(self.root)
            if self.manifest is None:
                raise CheckpointNotFoundError("No committed checkpoint under %s/" % _uri(self.root))
        else:
            self.manifest = read_manifest(self.root, step)
        self.step = self.manifest["step"]
        self.save_id = self.manifest["saveId"]
        self.world_size = self.manifest["worldSize"]
        self.user_metadata = self.manifest["userMetadata"]
        self._shards = {}

    def shard(self, rank=0):
        if not 0 <= rank < self.world_size:
            raise ValueError("Checkpoint step %d has ranks 0 to %d, not %d" % (self.step, self.world_size - 1, rank))
        if rank not in self._shards:
            self._shards[rank] = Shard(self.root, self.manifest, rank)
        return self._shards[rank]

    def tensors(self, rank=0):
        """{name: (dtype, shape)} of one rank's shard, in saved order."""
        return {n: (t["dtype"], t["shape"]) for n, t in self.shard(rank).tensors.items()}

    def read(self, name, rank=0, bf16="float32"):
        return self.shard(rank).read(name, bf16)

    def read_all(self, rank=0, names=None, bf16="float32"):
        s = self.shard(rank)
        return {n: s.read(n, bf16) for n in (names if names is not None else list(s.tensors))}

    def verify(self):
        """Checks every byte of every shard against the manifest; raises CheckpointCorruptError."""
        for rank, rec in enumerate(self.manifest["shards"]):
            s = self.shard(rank)
            actual = s.verify()
            if actual != rec["crc32c"]:
                raise s.corrupt("shard", None, "CRC32C of the whole shard does not match the manifest", -1,
                                rec["crc32c"], actual)
        return self.manifest


def open_checkpoint(root, step=None):
    """Opens the committed checkpoint of ``step`` (default: the newest)."""
    return Checkpoint(root, step)


def load(root, step=None, names=None, rank=0, bf16="float32"):
    """{name: ndarray} of one rank (all its tensors, or ``names``), every checksum checked."""
    return Checkpoint(root, step).read_all(rank, names, bf16)


def verify(root, step):
    """Reads every byte of the checkpoint of ``step``; returns its manifest or raises CheckpointCorruptError."""
    return Checkpoint(root, step).verify()


# -------------------------------------------------------------------------------------------- save

def _as_tensor(name, value):
    """(format dtype, shape, little-endian bytes) of an array or of (array, dtype id)."""
    if isinstance(value, tuple):
        arr, dtype = value
        arr = np.asarray(arr)
        if dtype == "bfloat16":
            if arr.dtype == np.float32:
                bits = arr.view(np.uint32)
                # round to nearest even (NaN kept as a quiet NaN)
                rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
                arr = np.where(np.isnan(arr), np.uint16(0x7FC0), rounded)
            elif arr.dtype != np.uint16:
                raise ValueError("tensor %r: bfloat16 needs float32 values or uint16 bits, got %s" % (name, arr.dtype))
            return "bfloat16", arr.shape, np.ascontiguousarray(arr, dtype="<u2").tobytes()
        arr = arr.astype(DTYPES[dtype], copy=False)
    else:
        arr = np.asarray(value)
        dtype = _FROM_NUMPY.get(arr.dtype.newbyteorder("<").str if arr.dtype.byteorder == ">" else arr.dtype.str)
        if dtype is None:
            raise ValueError("tensor %r: numpy dtype %s has no checkpoint dtype" % (name, arr.dtype))
    return dtype, arr.shape, np.ascontiguousarray(arr, dtype=DTYPES[dtype]).tobytes()


def _new_save_id():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(6)


def _write_shard(path, step, save_id, rank, world, tensors, compression, chunk_size, level):
    zstd = compression == "zstd"
    sid = save_id.encode("utf-8")
    header = bytearray(MAGIC + struct.pack("<HHIQIIIH", VERSION, FLAG_ZSTD if zstd else 0, HEADER_FIXED + len(sid),
                                           step, rank, world, chunk_size, len(sid)) + sid)
    header += struct.pack("<I", crc32c(header))
    compressor = _zstd().ZstdCompressor(level=level, write_content_size=True) if zstd else None
    entries, whole = [], 0
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + TEMP_MARK + uuid.uuid4().hex)
    try:
        with open(tmp, "wb") as f:
            f.write(header)
            whole = frames.crc32c(bytes(header), whole)
            pos = len(header)
            for name, value in tensors.items():
                dtype, shape, data = _as_tensor(name, value)
                view = memoryview(data)
                chunks = []
                for start in range(0, len(data), chunk_size):
                    raw = view[start:start + chunk_size]
                    stored = compressor.compress(raw) if zstd else raw
                    chunks.append([pos, len(stored), len(raw), "%08x" % crc32c(stored)])
                    f.write(stored)
                    whole = frames.crc32c(stored, whole)
                    pos += len(stored)
                entries.append({"name": name, "dtype": dtype, "shape": [int(d) for d in shape], "size": len(data),
                                "crc32c": "%08x" % crc32c(data), "chunks": chunks})
            index = json.dumps({"tensors": entries}, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
            trailer = struct.pack("<QQI", pos, len(index), crc32c(index))
            trailer += struct.pack("<I", crc32c(trailer)) + MAGIC
            f.write(index)
            f.write(trailer)
            whole = frames.crc32c(index + trailer, whole)
            size = pos + len(index) + len(trailer)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return {"size": size, "crc32c": whole & 0xFFFFFFFF, "tensors": len(entries)}


def _create_exclusive(path, data):
    """Writes ``data`` at ``path`` only if nothing is there (hard link of a complete temporary file)."""
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + TEMP_MARK + uuid.uuid4().hex)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.link(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def save(root, step, tensors, user_metadata=None, compression="none", chunk_size=MAX_CHUNK, zstd_level=3):
    """Saves and commits a checkpoint at a local path.

    ``tensors`` is {name: ndarray or (ndarray, dtype id)} for one rank, or a list of such dicts, one
    per rank. Shards are written first; the manifest is then created exclusively (the commit); the
    ``latest`` pointer follows. Raises CheckpointExistsError when the step is already committed.
    """
    root = _root(root)
    if step < 0:
        raise ValueError("Invalid checkpoint step %d" % step)
    if compression not in ("none", "zstd"):
        raise ValueError("compression must be 'none' or 'zstd', not %r" % compression)
    if not 4096 <= chunk_size <= MAX_CHUNK:
        raise ValueError("chunk size %d outside 4 KiB to 4 MiB" % chunk_size)
    ranks = tensors if isinstance(tensors, list) else [tensors]
    world = len(ranks)
    manifest_path = os.path.join(root, manifest_name(step))
    if os.path.exists(manifest_path):
        raise CheckpointExistsError("Cannot save step %d under %s/: that step is already committed" % (step, _uri(root)))
    save_id = _new_save_id()
    shards = []
    try:
        for rank, ts in enumerate(ranks):
            key = shard_key(step, save_id, rank, world)
            r = _write_shard(os.path.join(root, key), step, save_id, rank, world, ts, compression, chunk_size, zstd_level)
            shards.append({"rank": rank, "key": key, "size": r["size"], "crc32c": "%08x" % r["crc32c"],
                           "tensors": r["tensors"]})
        manifest = {"format": FORMAT, "version": VERSION, "step": step, "saveId": save_id, "worldSize": world,
                    "createdAt": datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z"),
                    "compression": compression, "shards": shards, "userMetadata": dict(user_metadata or {})}
        for k, v in manifest["userMetadata"].items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise ValueError("user metadata must map strings to strings (%r: %r)" % (k, v))
        _create_exclusive(manifest_path, _encode_manifest(manifest))
    except FileExistsError:
        _remove_save(root, step, save_id)
        raise CheckpointExistsError("Cannot commit step %d under %s/: another save committed it first"
                                    % (step, _uri(root))) from None
    except BaseException:
        _remove_save(root, step, save_id)
        raise
    _advance_latest(root, step, save_id)
    manifest["shards"] = [dict(s, crc32c=int(s["crc32c"], 16)) for s in shards]
    return manifest


def _remove_save(root, step, save_id):
    d = os.path.join(root, "step-%012d" % step, save_id)
    if os.path.isdir(d):
        for name in os.listdir(d):
            os.remove(os.path.join(d, name))
        os.rmdir(d)
        try:
            os.rmdir(os.path.dirname(d))
        except OSError:
            pass


def _advance_latest(root, step, save_id):
    path = os.path.join(root, LATEST)
    try:
        with open(path, "rb") as f:
            if json.loads(f.read().decode("utf-8"))["step"] > step:
                return
    except (OSError, ValueError, KeyError, TypeError):
        pass
    tmp = path + TEMP_MARK + uuid.uuid4().hex
    with open(tmp, "wb") as f:
        f.write(('{"step":%d,"saveId":"%s","manifest":"%s"}\n' % (step, save_id, manifest_name(step))).encode("utf-8"))
    os.replace(tmp, path)
