package io.s3dlio.bridge.arrow;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Encodes the rows of one partition into one Arrow record batch, inside the executor task. Rows are
 * put at their output slot (the order of the epoch); fixed-width values are written in place, string
 * and binary values are gathered into slot order at the end.
 */
public final class PartitionEncoder {
  static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
  static final VarHandle DOUBLE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

  private final int partition;
  private final int rows;
  private final BufferPool pool;
  private final ColumnWriter[] writers;

  public PartitionEncoder(WireSchema schema, int partition, int rows) {
    this(schema, partition, rows, BufferPool.NONE);
  }

  /** An encoder whose large data buffers come from {@code pool}. */
  public PartitionEncoder(WireSchema schema, int partition, int rows, BufferPool pool) {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new UnsupportedOperationException("the bridge needs a little-endian JVM");
    }
    this.partition = partition;
    this.rows = rows;
    this.pool = pool;
    List<WireColumn> cols = schema.columns();
    this.writers = new ColumnWriter[cols.size()];
    for (int i = 0; i < writers.length; i++) {
      WireColumn c = cols.get(i);
      writers[i] = switch (c.kind()) {
        case BOOL -> new BoolWriter(c);
        case UTF8, BINARY -> new VarWriter(c);
        case TENSOR -> new TensorWriter(c);
        default -> new FixedWriter(c);
      };
    }
  }

  /** Writes natural row {@code row} (for messages) of the partition at output slot {@code slot}. */
  public void put(InternalRow value, long row, int slot) {
    for (ColumnWriter w : writers) {
      if (value.isNullAt(w.col.ordinal())) {
        w.putNull(row, slot);
      } else {
        w.put(value, row, slot);
      }
    }
  }

  public IpcRecordBatch finish() {
    List<byte[]> buffers = new ArrayList<>();
    List<Long> nodes = new ArrayList<>();
    for (ColumnWriter w : writers) {
      w.finish(buffers, nodes);
    }
    long[] n = new long[nodes.size()];
    for (int i = 0; i < n.length; i++) {
      n[i] = nodes.get(i);
    }
    return IpcRecordBatch.of(rows, n, buffers.toArray(new byte[0][]));
  }

  private abstract class ColumnWriter {
    final WireColumn col;
    byte[] validity;
    int nulls;

    ColumnWriter(WireColumn col) {
      this.col = col;
    }

    abstract void put(InternalRow value, long row, int slot);

    void putNull(long row, int slot) {
      if (!col.nullable()) {
        throw new IllegalArgumentException(where(row) + "is null; " + col.describe() + " holds no nulls");
      }
      if (validity == null) {
        validity = new byte[(rows + 7) / 8];
        Arrays.fill(validity, (byte) 0xFF);
      }
      validity[slot >>> 3] &= (byte) ~(1 << (slot & 7));
      nulls++;
    }

    String where(long row) {
      return "Cannot stream column '" + col.name() + "': row " + row + " of partition " + partition + " ";
    }

    void finishValidity(List<byte[]> buffers, List<Long> nodes) {
      nodes.add((long) rows);
      nodes.add((long) nulls);
      buffers.add(nulls == 0 ? new byte[0] : validity);
    }

    abstract void finish(List<byte[]> buffers, List<Long> nodes);
  }

  private final class FixedWriter extends ColumnWriter {
    final byte[] data;
    final int width;

    FixedWriter(WireColumn col) {
      super(col);
      this.width = col.width();
      this.data = pool.take(Math.multiplyExact(rows, width));
    }

    @Override
    void putNull(long row, int slot) {
      super.putNull(row, slot);
      Arrays.fill(data, slot * width, (slot + 1) * width, (byte) 0); // a reused array holds old values
    }

    @Override
    void put(InternalRow v, long row, int slot) {
      int o = slot * width;
      int ord = col.ordinal();
      switch (col.kind()) {
        case DATE -> INT.set(data, o, v.getInt(ord));
        case TIMESTAMP, TIMESTAMP_NTZ -> LONG.set(data, o, v.getLong(ord));
        default -> putValue(col.element(), v, ord, data, o);
      }
    }

    @Override
    void finish(List<byte[]> buffers, List<Long> nodes) {
      finishValidity(buffers, nodes);
      buffers.add(data);
    }
  }

  private final class BoolWriter extends ColumnWriter {
    final byte[] bits = new byte[(rows + 7) / 8];

    BoolWriter(WireColumn col) {
      super(col);
    }

    @Override
    void put(InternalRow v, long row, int slot) {
      if (v.getBoolean(col.ordinal())) {
        bits[slot >>> 3] |= (byte) (1 << (slot & 7));
      }
    }

    @Override
    void finish(List<byte[]> buffers, List<Long> nodes) {
      finishValidity(buffers, nodes);
      buffers.add(bits);
    }
  }

  /** Strings and binaries: values appended in arrival order, gathered into slot order at the end. */
  private final class VarWriter extends ColumnWriter {
    byte[] heap = new byte[Math.max(64, Math.min(rows, 1 << 20) * 16)];
    int used;
    final int[] start = new int[rows];
    final int[] length = new int[rows];

    VarWriter(WireColumn col) {
      super(col);
    }

    private void reserve(long row, int n) {
      long need = (long) used + n;
      if (need > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException(where(row) + "takes the column past 2 GiB in one partition; "
            + "repartition the DataFrame into smaller partitions");
      }
      if (need > heap.length) {
        heap = Arrays.copyOf(heap, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, 2L * heap.length)));
      }
    }

    @Override
    void put(InternalRow v, long row, int slot) {
      int ord = col.ordinal();
      if (col.kind() == WireColumn.Kind.UTF8) {
        UTF8String s = v.getUTF8String(ord);
        int n = s.numBytes();
        reserve(row, n);
        s.writeToMemory(heap, Platform.BYTE_ARRAY_OFFSET + used);
        start[slot] = used;
        length[slot] = n;
        used += n;
      } else {
        int n = BinaryValue.size(v, ord);
        reserve(row, n);
        BinaryValue.copy(v, ord, heap, used);
        start[slot] = used;
        length[slot] = n;
        used += n;
      }
    }

    @Override
    void finish(List<byte[]> buffers, List<Long> nodes) {
      finishValidity(buffers, nodes);
      byte[] offsets = new byte[(rows + 1) * 4];
      byte[] data = new byte[used];
      int o = 0;
      for (int s = 0; s < rows; s++) {
        INT.set(offsets, s * 4, o);
        System.arraycopy(heap, start[s], data, o, length[s]);
        o += length[s];
      }
      INT.set(offsets, rows * 4, o);
      heap = null;
      buffers.add(offsets);
      buffers.add(data);
    }
  }

  /** Fixed-shape tensors, from binary (raw little-endian bytes) or array columns. */
  private final class TensorWriter extends ColumnWriter {
    final byte[] data;
    final int width;
    final int elements;

    TensorWriter(WireColumn col) {
      super(col);
      this.width = col.width();
      this.elements = (int) col.tensor().elements();
      this.data = pool.take(Math.multiplyExact(rows, width));
    }

    @Override
    void putNull(long row, int slot) {
      throw new IllegalArgumentException(where(row) + "is null; a tensor " + col.tensor() + " cannot be null");
    }

    @Override
    void put(InternalRow v, long row, int slot) {
      int ord = col.ordinal();
      int o = slot * width;
      if (col.fromBinary()) {
        int n = BinaryValue.size(v, ord);
        if (n != width) {
          throw new IllegalArgumentException(where(row) + "holds " + n + " bytes; the tensor "
              + col.element().wireName() + col.tensor() + " needs " + width);
        }
        BinaryValue.copy(v, ord, data, o);
        return;
      }
      ArrayData a = v.getArray(ord);
      if (a.numElements() != elements) {
        throw new IllegalArgumentException(where(row) + "holds " + a.numElements() + " elements; the tensor "
            + col.tensor() + " needs " + elements);
      }
      if (a instanceof UnsafeArrayData u) {
        int header = UnsafeArrayData.calculateHeaderPortionInBytes(elements);
        for (int w = 8; w < header; w += 8) {
          if (Platform.getLong(u.getBaseObject(), u.getBaseOffset() + w) != 0) {
            throw new IllegalArgumentException(where(row) + "holds a null element; tensors hold no nulls");
          }
        }
        Platform.copyMemory(u.getBaseObject(), u.getBaseOffset() + header, data, Platform.BYTE_ARRAY_OFFSET + o,
            width);
        return;
      }
      for (int k = 0; k < elements; k++) {
        if (a.isNullAt(k)) {
          throw new IllegalArgumentException(where(row) + "holds a null element; tensors hold no nulls");
        }
        putValue(col.element(), a, k, data, o + k * col.element().width());
      }
    }

    @Override
    void finish(List<byte[]> buffers, List<Long> nodes) {
      nodes.add((long) rows);
      nodes.add(0L);
      nodes.add((long) rows * elements);
      nodes.add(0L);
      buffers.add(new byte[0]);
      buffers.add(new byte[0]);
      buffers.add(data);
    }
  }

  /** Writes value {@code i} of {@code from} (a row or an array) as {@code type}, little-endian, at {@code o}. */
  private static void putValue(ElementType type, SpecializedGetters from, int i, byte[] data, int o) {
    switch (type) {
      case INT8 -> data[o] = from.getByte(i);
      case INT16 -> SHORT.set(data, o, from.getShort(i));
      case INT32 -> INT.set(data, o, from.getInt(i));
      case INT64 -> LONG.set(data, o, from.getLong(i));
      case FLOAT32 -> FLOAT.set(data, o, from.getFloat(i));
      case FLOAT64 -> DOUBLE.set(data, o, from.getDouble(i));
      default -> throw new IllegalStateException("no Spark source of " + type.wireName() + " values");
    }
  }

  /** Binary values without an intermediate copy when the row is an {@code UnsafeRow}. */
  static final class BinaryValue {
    private BinaryValue() {
    }

    static int size(InternalRow v, int ord) {
      if (v instanceof UnsafeRow u) {
        return (int) u.getLong(ord);
      }
      return v.getBinary(ord).length;
    }

    static void copy(InternalRow v, int ord, byte[] to, int at) {
      if (v instanceof UnsafeRow u) {
        long offsetAndSize = u.getLong(ord);
        Platform.copyMemory(u.getBaseObject(), u.getBaseOffset() + (offsetAndSize >>> 32), to,
            Platform.BYTE_ARRAY_OFFSET + at, (int) offsetAndSize);
      } else {
        byte[] b = v.getBinary(ord);
        System.arraycopy(b, 0, to, at, b.length);
      }
    }
  }
}
