"""A reader for the subset of the Arrow IPC format the bridge sends (no pyarrow needed).

Supported: metadata version V5 (V4 accepted), little-endian, encapsulated messages (with the
0xFFFFFFFF continuation marker), Schema and RecordBatch messages, no compression, no dictionaries.
Types: Bool, Int (8/16/32/64, signed and unsigned), FloatingPoint (half, single, double),
Date (day, millisecond), Timestamp (any unit), Utf8, Binary, and FixedSizeList of a fixed-width
type, with the canonical ``arrow.fixed_shape_tensor`` extension (row-major, no permutation).

Values are numpy views of the buffer the message lies in: nothing is copied, except boolean
columns and validity masks (bit-packed on the wire) and Date(day) columns (int32 days widened to
numpy's datetime64[D]).
"""

import json
import struct

import numpy as np
from flatbuffers import number_types as N
from flatbuffers import table as fbtable

CONTINUATION = 0xFFFFFFFF

# Message.fbs / Schema.fbs enums
_HEADER_SCHEMA = 1
_HEADER_DICTIONARY_BATCH = 2
_HEADER_RECORD_BATCH = 3
_TYPE_NAMES = {0: "NONE", 1: "Null", 2: "Int", 3: "FloatingPoint", 4: "Binary", 5: "Utf8", 6: "Bool",
               7: "Decimal", 8: "Date", 9: "Time", 10: "Timestamp", 11: "Interval", 12: "List",
               13: "Struct", 14: "Union", 15: "FixedSizeBinary", 16: "FixedSizeList", 17: "Map",
               18: "Duration", 19: "LargeBinary", 20: "LargeUtf8", 21: "LargeList",
               22: "RunEndEncoded", 23: "BinaryView", 24: "Utf8View", 25: "ListView",
               26: "LargeListView"}
_INT, _FLOAT, _BINARY, _UTF8, _BOOL, _DATE, _TIMESTAMP, _FIXED_SIZE_LIST = 2, 3, 4, 5, 6, 8, 10, 16
_TIME_UNITS = {0: "s", 1: "ms", 2: "us", 3: "ns"}

EXTENSION_NAME = "ARROW:extension:name"
EXTENSION_METADATA = "ARROW:extension:metadata"
FIXED_SHAPE_TENSOR = "arrow.fixed_shape_tensor"


class ArrowFormatError(ValueError):
    """Arrow IPC bytes that are malformed or use what this reader does not support."""


class _Table:
    """A flatbuffers table: field i lives at vtable slot 4 + 2 i."""

    __slots__ = ("_t",)

    def __init__(self, buf, pos):
        self._t = fbtable.Table(buf, pos)

    def _off(self, i):
        return self._t.Offset(4 + 2 * i)

    def _scalar(self, i, flags, default):
        o = self._off(i)
        return self._t.Get(flags, self._t.Pos + o) if o else default

    def _string(self, i):
        o = self._off(i)
        return self._t.String(self._t.Pos + o).decode("utf-8") if o else None

    def _table(self, i, cls):
        o = self._off(i)
        return cls(self._t.Bytes, self._t.Indirect(self._t.Pos + o)) if o else None

    def _union(self, i, cls):
        o = self._off(i)
        if not o:
            return None
        t = fbtable.Table(self._t.Bytes, 0)
        self._t.Union(t, o)
        return cls(t.Bytes, t.Pos)

    def _vector_len(self, i):
        o = self._off(i)
        return self._t.VectorLen(o) if o else 0

    def _vector_tables(self, i, cls):
        o = self._off(i)
        if not o:
            return []
        start = self._t.Vector(o)
        return [cls(self._t.Bytes, self._t.Indirect(start + 4 * j)) for j in range(self._t.VectorLen(o))]

    def _vector_structs(self, i, fmt):
        """A vector of structs of int64 fields, as a list of tuples."""
        o = self._off(i)
        if not o:
            return []
        start = self._t.Vector(o)
        fields = len(fmt) - 1
        flat = struct.unpack_from("%s%d%s" % (fmt[0], fields * self._t.VectorLen(o), fmt[1]), self._t.Bytes, start)
        return list(zip(*[flat[k::fields] for k in range(fields)]))  # one unpack for the whole vector


class _KeyValue(_Table):
    def key(self):
        return self._string(0)

    def value(self):
        return self._string(1)


class _Field(_Table):
    def name(self):
        return self._string(0)

    def nullable(self):
        return self._scalar(1, N.BoolFlags, False)

    def type_type(self):
        return self._scalar(2, N.Uint8Flags, 0)

    def type(self):
        return self._union(3, _Table)

    def dictionary(self):
        return self._off(4) != 0

    def children(self):
        return self._vector_tables(5, _Field)

    def metadata(self):
        return {kv.key(): kv.value() for kv in self._vector_tables(6, _KeyValue)}


class _Schema(_Table):
    def endianness(self):
        return self._scalar(0, N.Int16Flags, 0)

    def fields(self):
        return self._vector_tables(1, _Field)


class _RecordBatch(_Table):
    def length(self):
        return self._scalar(0, N.Int64Flags, 0)

    def nodes(self):
        return self._vector_structs(1, "<qq")

    def buffers(self):
        return self._vector_structs(2, "<qq")

    def compressed(self):
        return self._off(3) != 0


class _Message(_Table):
    def version(self):
        return self._scalar(0, N.Int16Flags, 0)

    def header_type(self):
        return self._scalar(1, N.Uint8Flags, 0)

    def header(self, cls):
        return self._union(2, cls)

    def body_length(self):
        return self._scalar(3, N.Int64Flags, 0)


class Column:
    """One top-level column: how to turn its buffers into numpy values.

    ``kind`` is one of ``bool``, ``number``, ``date``, ``timestamp``, ``utf8``, ``binary``,
    ``fixed_size_list``, ``tensor``; ``dtype`` is the numpy dtype of the values (of the elements,
    for lists and tensors); ``shape`` is the per-row shape of lists and tensors.
    """

    __slots__ = ("name", "kind", "dtype", "shape", "nullable", "nodes", "buffers", "unit", "timezone")

    def __init__(self, name, kind, dtype=None, shape=(), nullable=False, unit=None, timezone=None):
        self.name = name
        self.kind = kind
        self.dtype = dtype
        self.shape = tuple(shape)
        self.nullable = nullable
        self.unit = unit
        self.timezone = timezone
        self.nodes = 2 if kind in ("fixed_size_list", "tensor") else 1
        self.buffers = 3 if kind in ("utf8", "binary", "fixed_size_list", "tensor") else 2

    def __repr__(self):
        extra = "" if not self.shape else str(list(self.shape))
        return "%s: %s%s%s" % (self.name, self.kind, "<%s>" % self.dtype if self.dtype is not None else "", extra)


def _fixed_dtype(field):
    """numpy dtype of a fixed-width leaf field, or None."""
    tt = field.type_type()
    t = field.type()
    if tt == _INT:
        bits = t._scalar(0, N.Int32Flags, 0)
        signed = t._scalar(1, N.BoolFlags, False)
        if bits not in (8, 16, 32, 64):
            raise ArrowFormatError("field %r: Int of %d bits" % (field.name(), bits))
        return np.dtype("<%s%d" % ("i" if signed else "u", bits // 8))
    if tt == _FLOAT:
        precision = t._scalar(0, N.Int16Flags, 0)
        return np.dtype({0: "<f2", 1: "<f4", 2: "<f8"}[precision])
    return None


class Schema:
    """The columns of an Arrow schema message."""

    def __init__(self, columns, metadata=None):
        self.columns = list(columns)
        self.metadata = metadata or {}

    @property
    def names(self):
        return [c.name for c in self.columns]

    def __repr__(self):
        return "Schema(%s)" % ", ".join(repr(c) for c in self.columns)

    @staticmethod
    def from_flatbuffer(schema):
        if schema.endianness() != 0:
            raise ArrowFormatError("big-endian Arrow data is not supported")
        return Schema([_column(f) for f in schema.fields()])


def _column(field):
    name = field.name()
    if field.dictionary():
        raise ArrowFormatError("field %r is dictionary-encoded: not supported" % name)
    tt = field.type_type()
    meta = field.metadata()
    nullable = field.nullable()
    dt = _fixed_dtype(field)
    if dt is not None:
        return Column(name, "number", dt, nullable=nullable)
    if tt == _BOOL:
        return Column(name, "bool", np.dtype(bool), nullable=nullable)
    if tt == _UTF8:
        return Column(name, "utf8", nullable=nullable)
    if tt == _BINARY:
        return Column(name, "binary", nullable=nullable)
    if tt == _DATE:
        unit = field.type()._scalar(0, N.Int16Flags, 1)
        if unit == 0:
            return Column(name, "date", np.dtype("<i4"), nullable=nullable)
        return Column(name, "timestamp", np.dtype("<i8"), nullable=nullable, unit="ms")
    if tt == _TIMESTAMP:
        t = field.type()
        return Column(name, "timestamp", np.dtype("<i8"), nullable=nullable,
                      unit=_TIME_UNITS[t._scalar(0, N.Int16Flags, 0)], timezone=t._string(1))
    if tt == _FIXED_SIZE_LIST:
        size = field.type()._scalar(0, N.Int32Flags, 0)
        children = field.children()
        if len(children) != 1 or _fixed_dtype(children[0]) is None:
            raise ArrowFormatError("field %r: FixedSizeList of a non fixed-width type is not supported" % name)
        child_dt = _fixed_dtype(children[0])
        if meta.get(EXTENSION_NAME) == FIXED_SHAPE_TENSOR:
            try:
                ext = json.loads(meta.get(EXTENSION_METADATA) or "{}")
            except ValueError as e:
                raise ArrowFormatError("field %r: bad fixed_shape_tensor metadata: %s" % (name, e))
            shape = tuple(int(d) for d in ext.get("shape", [size]))
            if "permutation" in ext and list(ext["permutation"]) != list(range(len(shape))):
                raise ArrowFormatError("field %r: fixed_shape_tensor with a permutation is not supported" % name)
            if int(np.prod(shape)) != size:
                raise ArrowFormatError("field %r: tensor shape %s does not hold %d values" % (name, shape, size))
            return Column(name, "tensor", child_dt, shape=shape, nullable=nullable)
        return Column(name, "fixed_size_list", child_dt, shape=(size,), nullable=nullable)
    raise ArrowFormatError("field %r has Arrow type %s: not supported by this reader"
                           % (name, _TYPE_NAMES.get(tt, tt)))


class VarColumn:
    """A utf8 or binary column: zero-copy views of its offsets and data."""

    __slots__ = ("offsets", "data", "utf8")

    def __init__(self, offsets, data, utf8):
        self.offsets = offsets
        self.data = data
        self.utf8 = utf8

    def __len__(self):
        return len(self.offsets) - 1

    def __getitem__(self, i):
        if i < 0:
            i += len(self)
        v = self.data[int(self.offsets[i]):int(self.offsets[i + 1])].tobytes()
        return v.decode("utf-8") if self.utf8 else v

    def to_pylist(self):
        return [self[i] for i in range(len(self))]


class Message:
    """One encapsulated message: its flatbuffer and where its body lies in the buffer."""

    __slots__ = ("header_type", "header", "body_start", "body_length", "end")

    def __init__(self, header_type, header, body_start, body_length, end):
        self.header_type = header_type
        self.header = header
        self.body_start = body_start
        self.body_length = body_length
        self.end = end


def read_message(buf, offset=0):
    """Reads the encapsulated message at ``offset`` of ``buf`` (bytes-like or uint8 ndarray).

    Returns None at an end-of-stream marker (or the end of ``buf``).
    """
    mv = memoryview(buf).cast("B")
    if offset == len(mv):
        return None
    if offset + 8 > len(mv):
        raise ArrowFormatError("Arrow message at offset %d is cut short (%d bytes left)" % (offset, len(mv) - offset))
    marker, length = struct.unpack_from("<Ii", mv, offset)
    start = offset + 8
    if marker != CONTINUATION:  # pre-0.15 format: the length comes first
        length = struct.unpack_from("<i", mv, offset)[0]
        start = offset + 4
    if length == 0:
        return None
    if length < 0 or start + length > len(mv):
        raise ArrowFormatError("Arrow message at offset %d announces %d metadata bytes, %d are left"
                               % (offset, length, len(mv) - start))
    meta = bytes(mv[start:start + length])
    m = _Message(meta, N.UOffsetTFlags.py_type(struct.unpack_from("<I", meta, 0)[0]))
    if m.version() < 3:
        raise ArrowFormatError("Arrow metadata version V%d is not supported (V4 or V5 only)" % (m.version() + 1))
    body_start = start + length
    body_length = m.body_length()
    if body_start + body_length > len(mv):
        raise ArrowFormatError("Arrow message at offset %d: body of %d bytes runs past the end (%d bytes left)"
                               % (offset, body_length, len(mv) - body_start))
    ht = m.header_type()
    if ht == _HEADER_SCHEMA:
        header = m.header(_Schema)
    elif ht == _HEADER_RECORD_BATCH:
        header = m.header(_RecordBatch)
    elif ht == _HEADER_DICTIONARY_BATCH:
        raise ArrowFormatError("Arrow dictionary batches are not supported")
    else:
        raise ArrowFormatError("Arrow message type %d is not supported" % ht)
    return Message(ht, header, body_start, body_length, body_start + body_length)


def read_schema(buf, offset=0):
    m = read_message(buf, offset)
    if m is None or m.header_type != _HEADER_SCHEMA:
        raise ArrowFormatError("expected an Arrow Schema message at offset %d" % offset)
    return Schema.from_flatbuffer(m.header)


def _bitmap(arr, n):
    return np.unpackbits(arr, bitorder="little", count=n).astype(bool)


def decode_record_batch(schema, buf, message):
    """The columns of a RecordBatch message as {name: values}, and {name: validity} for columns
    holding nulls. ``buf`` is the uint8 ndarray (or bytes-like) the message was read from."""
    return _decode(schema, buf, message, *_layout(message))


def _layout(message):
    """(rows, field nodes, buffers) of a RecordBatch message: what its flatbuffer says."""
    rb = message.header
    if rb.compressed():
        raise ArrowFormatError("compressed Arrow record batches are not supported")
    return rb.length(), rb.nodes(), rb.buffers()


class RecordBatchReader:
    """Reads the record batch messages of one schema. The batches of a stream usually carry the
    same metadata (the same row count and buffer layout): a message whose metadata bytes, position
    and enclosing buffer length equal the previous one's reuses its parsed layout instead of
    walking the flatbuffer again (in Python, most of the per-batch cost of a client)."""

    def __init__(self, schema):
        self.schema = schema
        self._key = None
        self._parsed = None

    def read(self, buf, offset=0):
        """The batch's ({name: values}, {name: validity}), or None when the message at ``offset``
        is not a record batch."""
        arr = buf if isinstance(buf, np.ndarray) else np.frombuffer(buf, dtype=np.uint8)
        key = None
        if offset + 8 <= len(arr):
            marker, length = struct.unpack_from("<Ii", arr, offset)
            if marker == CONTINUATION and 0 < length <= len(arr) - offset - 8:
                key = (offset, len(arr), arr[offset + 8:offset + 8 + length].tobytes())
                if key == self._key:
                    return _decode(self.schema, arr, *self._parsed)
        m = read_message(arr, offset)
        if m is None or m.header_type != _HEADER_RECORD_BATCH:
            return None
        parsed = (m,) + _layout(m)
        values = _decode(self.schema, arr, *parsed)
        self._key, self._parsed = key, parsed
        return values


def _decode(schema, buf, message, rows, nodes, buffers):
    arr = buf if isinstance(buf, np.ndarray) else np.frombuffer(buf, dtype=np.uint8)
    expected_nodes = sum(c.nodes for c in schema.columns)
    expected_buffers = sum(c.buffers for c in schema.columns)
    if len(nodes) != expected_nodes or len(buffers) != expected_buffers:
        raise ArrowFormatError("record batch has %d field nodes and %d buffers; the schema needs %d and %d"
                               % (len(nodes), len(buffers), expected_nodes, expected_buffers))
    base = message.body_start
    end = message.body_length

    def view(i, column):
        off, length = buffers[i]
        if off < 0 or length < 0 or off + length > end:
            raise ArrowFormatError("buffer %d of column %r (offset %d, %d bytes) runs past the body of %d bytes"
                                   % (i, column.name, off, length, end))
        return arr[base + off: base + off + length]

    def need(b, nbytes, column, what):
        if len(b) < nbytes:
            raise ArrowFormatError("column %r: %s buffer holds %d bytes, %d rows need %d"
                                   % (column.name, what, len(b), n, nbytes))

    values = {}
    validity = {}
    ni = 0
    bi = 0
    for c in schema.columns:
        n, nulls = nodes[ni]
        if n != rows:
            raise ArrowFormatError("column %r has %d rows, the batch %d" % (c.name, n, rows))
        if nulls > 0:
            vb = view(bi, c)
            need(vb, (n + 7) // 8, c, "validity")
            validity[c.name] = _bitmap(vb, n)
        if c.kind == "bool":
            vb = view(bi + 1, c)
            need(vb, (n + 7) // 8, c, "data")
            values[c.name] = _bitmap(vb, n)
        elif c.kind in ("number", "date", "timestamp"):
            d = view(bi + 1, c)
            need(d, n * c.dtype.itemsize, c, "data")
            v = d[:n * c.dtype.itemsize].view(c.dtype)
            if c.kind == "date":
                v = v.astype("datetime64[D]")  # int32 days widen to numpy's 8-byte datetime: a copy
            elif c.kind == "timestamp":
                v = v.view("datetime64[%s]" % c.unit)
            values[c.name] = v
        elif c.kind in ("utf8", "binary"):
            o = view(bi + 1, c)
            need(o, 4 * (n + 1), c, "offsets")
            offsets = o[:4 * (n + 1)].view("<i4")
            data = view(bi + 2, c)
            if n and (offsets[0] < 0 or offsets[-1] > len(data) or np.any(np.diff(offsets) < 0)):
                raise ArrowFormatError("column %r: offsets are not ascending within its %d data bytes"
                                       % (c.name, len(data)))
            values[c.name] = VarColumn(offsets, data, c.kind == "utf8")
        else:
            child_n, child_nulls = nodes[ni + 1]
            per_row = int(np.prod(c.shape))
            if child_n != n * per_row:
                raise ArrowFormatError("column %r: %d child values for %d rows of %d" % (c.name, child_n, n, per_row))
            if child_nulls:
                raise ArrowFormatError("column %r: null tensor elements are not supported" % c.name)
            d = view(bi + 2, c)
            need(d, child_n * c.dtype.itemsize, c, "data")
            values[c.name] = d[:child_n * c.dtype.itemsize].view(c.dtype).reshape((n,) + c.shape)
        ni += c.nodes
        bi += c.buffers
    return values, validity


def read_stream(buf):
    """Reads an Arrow IPC stream (schema message, record batches, optional end marker).

    Returns (schema, [(values, validity), ...]).
    """
    schema = read_schema(buf, 0)
    offset = read_message(buf, 0).end
    batches = []
    arr = np.frombuffer(buf, dtype=np.uint8) if not isinstance(buf, np.ndarray) else buf
    while True:
        m = read_message(arr, offset)
        if m is None:
            break
        if m.header_type != _HEADER_RECORD_BATCH:
            raise ArrowFormatError("unexpected message type %d at offset %d" % (m.header_type, offset))
        batches.append(decode_record_batch(schema, arr, m))
        offset = m.end
    return schema, batches
