package io.s3dlio.bridge.arrow;

import com.google.flatbuffers.FlatBufferBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.MetadataVersion;
import org.apache.arrow.flatbuf.RecordBatch;

/**
 * An Arrow IPC record batch message (encapsulated format, metadata version V5): the prefix
 * ({@code 0xFFFFFFFF}, metadata length, the {@code Message} flatbuffer, padding to 8 bytes), then the
 * body, each buffer starting on an 8-byte boundary. The body buffers are kept as separate arrays; the
 * message's bytes are the prefix followed by the buffers, each padded with zeros to a multiple of 8.
 */
public final class IpcRecordBatch implements Serializable {
  public static final int CONTINUATION = 0xFFFFFFFF;

  private final byte[] prefix;
  private final byte[][] buffers;
  private transient Layout layout;

  private IpcRecordBatch(byte[] prefix, byte[][] buffers) {
    this.prefix = prefix;
    this.buffers = buffers;
  }

  /**
   * A record batch of {@code rows} rows: {@code nodes} holds (length, null count) pairs in field
   * pre-order, {@code buffers} the body buffers in IPC order (their full lengths are used).
   */
  public static IpcRecordBatch of(long rows, long[] nodes, byte[][] buffers) {
    long[] lengths = new long[buffers.length];
    for (int i = 0; i < buffers.length; i++) {
      lengths[i] = buffers[i].length;
    }
    return new IpcRecordBatch(prefix(rows, nodes, lengths), buffers);
  }

  /**
   * A record batch from its encapsulated metadata ({@link #prefix()}) and its body buffers, as
   * received; the buffers' lengths must be those the metadata gives.
   */
  public static IpcRecordBatch of(byte[] prefix, byte[][] buffers) {
    IpcRecordBatch b = new IpcRecordBatch(prefix, buffers);
    Layout layout = b.layout();
    if (layout.bufferLengths().length != buffers.length) {
      throw new IllegalArgumentException("the record batch's metadata has " + layout.bufferLengths().length
          + " buffers, " + buffers.length + " were given");
    }
    for (int i = 0; i < buffers.length; i++) {
      if (layout.bufferLength(i) != buffers[i].length) {
        throw new IllegalArgumentException("buffer " + i + " of the record batch holds " + buffers[i].length
            + " bytes, its metadata says " + layout.bufferLength(i));
      }
    }
    return b;
  }

  /** Bytes a buffer of {@code n} bytes takes in a body. */
  public static long padded(long n) {
    return (n + 7) & ~7L;
  }

  /** The encapsulated metadata of a record batch whose buffers have the given lengths. */
  public static byte[] prefix(long rows, long[] nodes, long[] bufferLengths) {
    FlatBufferBuilder b = new FlatBufferBuilder(128 + 16 * (nodes.length + bufferLengths.length));
    long[] offsets = new long[bufferLengths.length];
    long body = 0;
    for (int i = 0; i < bufferLengths.length; i++) {
      offsets[i] = body;
      body += padded(bufferLengths[i]);
    }
    RecordBatch.startBuffersVector(b, bufferLengths.length);
    for (int i = bufferLengths.length - 1; i >= 0; i--) {
      Buffer.createBuffer(b, offsets[i], bufferLengths[i]);
    }
    int buffersVec = b.endVector();
    int nodeCount = nodes.length / 2;
    RecordBatch.startNodesVector(b, nodeCount);
    for (int i = nodeCount - 1; i >= 0; i--) {
      FieldNode.createFieldNode(b, nodes[2 * i], nodes[2 * i + 1]);
    }
    int nodesVec = b.endVector();
    int batch = RecordBatch.createRecordBatch(b, rows, nodesVec, buffersVec, 0, 0);
    int message = Message.createMessage(b, MetadataVersion.V5, MessageHeader.RecordBatch, batch, body, 0);
    b.finish(message);
    byte[] fb = b.sizedByteArray();
    int metaLen = (int) padded(8 + fb.length) - 8;
    ByteBuffer out = ByteBuffer.allocate(8 + metaLen).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(CONTINUATION).putInt(metaLen).put(fb);
    return out.array();
  }

  public byte[] prefix() {
    return prefix;
  }

  public byte[] buffer(int i) {
    return buffers[i];
  }

  public int bufferCount() {
    return buffers.length;
  }

  /** Bytes held (prefix and buffers). */
  public long heldBytes() {
    long n = prefix.length;
    for (byte[] b : buffers) {
      n += b.length;
    }
    return n;
  }

  public Layout layout() {
    if (layout == null) {
      layout = Layout.parse(prefix);
    }
    return layout;
  }

  /** Writes the message's exact bytes. */
  public void writeTo(OutputStream out) throws IOException {
    out.write(prefix);
    byte[] zeros = new byte[8];
    for (int i = 0; i < buffers.length; i++) {
      int len = (int) layout().bufferLength(i);
      out.write(buffers[i], 0, len);
      out.write(zeros, 0, (int) (padded(len) - len));
    }
  }

  /** What the metadata says: rows, (length, null count) per node, length per buffer. */
  public record Layout(long rows, long[] nodeLengths, long[] nullCounts, long[] bufferLengths) {
    static Layout parse(byte[] prefix) {
      ByteBuffer bb = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN);
      if (bb.getInt(0) != CONTINUATION) {
        throw new IllegalArgumentException("not an encapsulated Arrow IPC message (no continuation marker)");
      }
      ByteBuffer fb = ByteBuffer.wrap(prefix, 8, bb.getInt(4)).slice().order(ByteOrder.LITTLE_ENDIAN);
      Message m = Message.getRootAsMessage(fb);
      if (m.headerType() != MessageHeader.RecordBatch) {
        throw new IllegalArgumentException("Arrow IPC message is a " + MessageHeader.name(m.headerType())
            + ", not a RecordBatch");
      }
      RecordBatch rb = (RecordBatch) m.header(new RecordBatch());
      long[] lengths = new long[rb.nodesLength()];
      long[] nulls = new long[lengths.length];
      for (int i = 0; i < lengths.length; i++) {
        FieldNode n = rb.nodes(i);
        lengths[i] = n.length();
        nulls[i] = n.nullCount();
      }
      long[] buf = new long[rb.buffersLength()];
      for (int i = 0; i < buf.length; i++) {
        buf[i] = rb.buffers(i).length();
      }
      return new Layout(rb.length(), lengths, nulls, buf);
    }

    public long bufferLength(int i) {
      return bufferLengths[i];
    }
  }
}
