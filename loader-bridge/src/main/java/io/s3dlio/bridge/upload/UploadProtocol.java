package io.s3dlio.bridge.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3dlio.bridge.arrow.IpcRecordBatch;
import io.s3dlio.bridge.wire.FrameException;
import io.s3dlio.bridge.wire.FrameType;
import io.s3dlio.bridge.wire.Frames;
import io.s3dlio.bridge.wire.Json;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The upload exchange on one TCP connection, in the bridge's frames (CRC32C on each):
 * <pre>
 * task   -> driver  UPLOAD_OFFER  JSON {secret, feed, run, unit, partition, attempt, count, checksum, rows,
 *                                       prefix: bytes, buffers: [bytes, ...]}
 * driver -> task    UPLOAD_REPLY  JSON {decision: go | same | differs | refused, holder, bytes, crc, reason}
 * task   -> driver  UPLOAD_DATA   (go only) rows i64 output positions, the Arrow metadata, the buffers, unpadded
 * driver -> task    UPLOAD_STORED JSON {bytes, crc} once held (crc: CRC32C of the DATA frame), or {error}
 * </pre>
 */
final class UploadProtocol {
  /** Most bytes of an OFFER, REPLY or STORED frame. */
  static final int MAX_CONTROL = 1 << 16;

  private UploadProtocol() {
  }

  /** The offer of a partition (everything but the secret is about the data). */
  static ObjectNode offer(UploadTarget target, int partition, long attempt, long count, int checksum, long[] positions,
      IpcRecordBatch batch) {
    ObjectNode o = Json.object().put("secret", target.secret()).put("feed", target.feedId()).put("run", target.run())
        .put("unit", target.unit()).put("partition", partition).put("attempt", attempt).put("count", count)
        .put("checksum", checksum).put("rows", positions.length).put("prefix", batch.prefix().length);
    ArrayNode lengths = o.putArray("buffers");
    for (int i = 0; i < batch.bufferCount(); i++) {
      lengths.add(batch.buffer(i).length);
    }
    return o;
  }

  /** Writes the DATA frame; returns its CRC32C. */
  static int writeData(OutputStream out, long[] positions, IpcRecordBatch batch) throws IOException {
    ByteBuffer pos = ByteBuffer.allocate(8 * positions.length).order(ByteOrder.LITTLE_ENDIAN);
    pos.asLongBuffer().put(positions);
    List<ByteBuffer> payload = new ArrayList<>(batch.bufferCount() + 2);
    payload.add(pos);
    payload.add(ByteBuffer.wrap(batch.prefix()));
    for (int i = 0; i < batch.bufferCount(); i++) {
      payload.add(ByteBuffer.wrap(batch.buffer(i)));
    }
    return Frames.write(out, FrameType.UPLOAD_DATA, payload);
  }

  /** The data a DATA frame holds, and the frame's CRC32C. */
  record Received(Parcel parcel, int crc) {
  }

  /** Reads the DATA frame of {@code offer}: each buffer into an array of its own. */
  static Received readData(DataInputStream in, JsonNode offer) throws IOException {
    int rows = offer.path("rows").asInt(-1);
    int prefixBytes = offer.path("prefix").asInt(-1);
    JsonNode lengths = offer.path("buffers");
    long expected = 8L * rows + prefixBytes;
    boolean valid = rows >= 0 && prefixBytes >= 8 && lengths.isArray();
    for (JsonNode n : lengths) {
      valid &= n.canConvertToInt() && n.asInt() >= 0;
      expected += n.asInt(-1);
    }
    if (!valid || expected > Integer.MAX_VALUE) {
      throw new FrameException("malformed UPLOAD_OFFER: rows " + rows + ", metadata " + prefixBytes + " bytes, buffers "
          + lengths);
    }
    Frames.Reader r = Frames.Reader.start(in, Integer.MAX_VALUE);
    if (r.type() != FrameType.UPLOAD_DATA || r.length() != expected) {
      throw new FrameException("expected an UPLOAD_DATA frame of " + expected + " payload bytes, got a "
          + FrameType.name(r.type()) + " frame of " + r.length());
    }
    byte[] pos = new byte[8 * rows];
    r.read(pos, "positions");
    long[] positions = new long[rows];
    ByteBuffer.wrap(pos).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(positions);
    byte[] prefix = new byte[prefixBytes];
    r.read(prefix, "Arrow metadata");
    byte[][] buffers = new byte[lengths.size()][];
    for (int i = 0; i < buffers.length; i++) {
      buffers[i] = new byte[lengths.get(i).asInt()];
      r.read(buffers[i], "Arrow buffer " + i);
    }
    int crc = r.finish();
    IpcRecordBatch batch;
    try {
      batch = IpcRecordBatch.of(prefix, buffers);
    } catch (RuntimeException e) {
      throw new FrameException("the uploaded Arrow record batch is malformed: " + e.getMessage());
    }
    if (batch.layout().rows() != rows) {
      throw new FrameException("the uploaded record batch holds " + batch.layout().rows() + " rows, the offer says "
          + rows);
    }
    return new Received(new Parcel(positions, batch), crc);
  }
}
