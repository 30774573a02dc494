package io.s3dlio.bridge.arrow;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the Arrow record batch of one rank's step on the driver from row ranges ("slices") of the
 * partitions' encoded batches. No value is re-encoded: fixed-width data, tensor data and string bytes
 * are referenced where they lie; only validity bitmaps, booleans and string offsets are rebuilt.
 */
public final class BatchAssembler {
  private static final ByteBuffer ZEROS = ByteBuffer.wrap(new byte[8]).asReadOnlyBuffer();
  private final WireSchema schema;

  public BatchAssembler(WireSchema schema) {
    this.schema = schema;
  }

  /** Rows [from, from + rows) of an encoded partition batch. */
  public record Slice(IpcRecordBatch batch, int from, int rows) {
  }

  /** The encapsulated Arrow message of the slices' rows, in slice order, as buffers to write in turn. */
  public List<ByteBuffer> assemble(List<Slice> slices) {
    int rows = 0;
    for (Slice s : slices) {
      rows += s.rows();
    }
    List<Long> nodes = new ArrayList<>();
    List<Long> lengths = new ArrayList<>();
    List<ByteBuffer> body = new ArrayList<>();
    int node = 0;
    int buf = 0;
    for (WireColumn c : schema.columns()) {
      long nulls = validity(slices, rows, node, buf, lengths, body);
      nodes.add((long) rows);
      nodes.add(nulls);
      switch (c.kind()) {
        case BOOL -> {
          byte[] bits = new byte[(rows + 7) / 8];
          int at = 0;
          for (Slice s : slices) {
            copyBits(s.batch().buffer(buf + 1), s.from(), bits, at, s.rows());
            at += s.rows();
          }
          add(lengths, body, List.of(ByteBuffer.wrap(bits)));
        }
        case UTF8, BINARY -> {
          byte[] offsets = new byte[(rows + 1) * 4];
          List<ByteBuffer> data = new ArrayList<>();
          int at = 0;
          int base = 0;
          for (Slice s : slices) {
            byte[] src = s.batch().buffer(buf + 1);
            int first = (int) PartitionEncoder.INT.get(src, s.from() * 4);
            for (int i = 0; i < s.rows(); i++) {
              PartitionEncoder.INT.set(offsets, (at + i) * 4, base + (int) PartitionEncoder.INT.get(src, (s.from() + i) * 4) - first);
            }
            int last = (int) PartitionEncoder.INT.get(src, (s.from() + s.rows()) * 4);
            if ((long) base + (last - first) > Integer.MAX_VALUE) {
              throw new IllegalStateException("column '" + c.name() + "' holds more than 2 GiB in one batch");
            }
            data.add(ByteBuffer.wrap(s.batch().buffer(buf + 2), first, last - first));
            base += last - first;
            at += s.rows();
          }
          PartitionEncoder.INT.set(offsets, rows * 4, base);
          add(lengths, body, List.of(ByteBuffer.wrap(offsets)));
          add(lengths, body, data);
        }
        case TENSOR -> {
          nodes.add((long) rows * c.tensor().elements());
          nodes.add(0L);
          add(lengths, body, List.of());
          add(lengths, body, fixed(slices, buf + 2, c.width()));
        }
        default -> add(lengths, body, fixed(slices, buf + 1, c.width()));
      }
      node += c.nodes();
      buf += c.buffers();
    }
    long[] n = nodes.stream().mapToLong(Long::longValue).toArray();
    long[] l = lengths.stream().mapToLong(Long::longValue).toArray();
    List<ByteBuffer> out = new ArrayList<>(body.size() + 1);
    out.add(ByteBuffer.wrap(IpcRecordBatch.prefix(rows, n, l)));
    out.addAll(body);
    return out;
  }

  private static List<ByteBuffer> fixed(List<Slice> slices, int buffer, int width) {
    List<ByteBuffer> data = new ArrayList<>(slices.size());
    for (Slice s : slices) {
      data.add(ByteBuffer.wrap(s.batch().buffer(buffer), s.from() * width, s.rows() * width));
    }
    return data;
  }

  /** Adds the column's validity buffer (empty without nulls); returns the null count. */
  private static long validity(List<Slice> slices, int rows, int node, int buf, List<Long> lengths,
      List<ByteBuffer> body) {
    boolean any = false;
    for (Slice s : slices) {
      any |= s.batch().layout().nullCounts()[node] > 0;
    }
    if (!any) {
      add(lengths, body, List.of());
      return 0;
    }
    byte[] bits = new byte[(rows + 7) / 8];
    int at = 0;
    for (Slice s : slices) {
      if (s.batch().layout().nullCounts()[node] > 0) {
        copyBits(s.batch().buffer(buf), s.from(), bits, at, s.rows());
      } else {
        for (int i = 0; i < s.rows(); i++) {
          bits[(at + i) >>> 3] |= (byte) (1 << ((at + i) & 7));
        }
      }
      at += s.rows();
    }
    long valid = 0;
    for (int i = 0; i < rows; i++) {
      valid += (bits[i >>> 3] >>> (i & 7)) & 1;
    }
    add(lengths, body, List.of(ByteBuffer.wrap(bits)));
    return rows - valid;
  }

  private static void copyBits(byte[] src, int from, byte[] dst, int at, int n) {
    for (int i = 0; i < n; i++) {
      if (((src[(from + i) >>> 3] >>> ((from + i) & 7)) & 1) != 0) {
        dst[(at + i) >>> 3] |= (byte) (1 << ((at + i) & 7));
      }
    }
  }

  private static void add(List<Long> lengths, List<ByteBuffer> body, List<ByteBuffer> pieces) {
    long len = 0;
    for (ByteBuffer p : pieces) {
      len += p.remaining();
      body.add(p);
    }
    lengths.add(len);
    int pad = (int) (IpcRecordBatch.padded(len) - len);
    if (pad > 0) {
      body.add(ZEROS.duplicate().limit(pad));
    }
  }
}
