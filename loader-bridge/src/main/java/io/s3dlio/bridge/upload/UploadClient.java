package io.s3dlio.bridge.upload;

import com.fasterxml.jackson.databind.JsonNode;
import io.s3dlio.bridge.arrow.IpcRecordBatch;
import io.s3dlio.bridge.wire.FrameException;
import io.s3dlio.bridge.wire.FrameType;
import io.s3dlio.bridge.wire.Frames;
import io.s3dlio.bridge.wire.Json;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor task's side of an upload: hands an encoded partition to the feed's inbox (in memory
 * when the feed runs in this JVM, else over TCP) and returns the receipt the task gives Spark.
 */
public final class UploadClient {
  private static final Logger LOG = LoggerFactory.getLogger(UploadClient.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();
  static final int CONNECT_TIMEOUT_MS = 10_000;
  static final int SOCKET_BUFFER = 4 << 20;

  private UploadClient() {
  }

  /**
   * Uploads the partition. Returns its receipt, or null when the driver's upload port cannot be
   * reached (the task then returns the data as its result). An attempt the feed no longer needs gets
   * a receipt that names no upload ({@code holder} -1).
   *
   * @throws IOException when the upload fails after connecting (the task fails; Spark retries it)
   */
  public static Receipt upload(UploadTarget target, int partition, long attempt, long count, int checksum,
      long[] positions, IpcRecordBatch batch) throws IOException, InterruptedException {
    UploadInbox local = target.tcpOnly() ? null : UploadInbox.inThisJvm(target.feedId());
    if (local != null) {
      return inMemory(local, target.key(partition), attempt, count, checksum, new Parcel(positions, batch));
    }
    Socket s = connect(target);
    if (s == null) {
      return null;
    }
    try (s) {
      return tcp(s, target, partition, attempt, count, checksum, positions, batch);
    }
  }

  private static Receipt inMemory(UploadInbox inbox, UploadKey key, long attempt, long count, int checksum,
      Parcel parcel) throws InterruptedException {
    UploadInbox.Decision d = inbox.offer(key, attempt, count, checksum);
    if (d instanceof UploadInbox.Decision.Go) {
      return inbox.store(key, attempt, parcel, 0) ? new Receipt(attempt, attempt, parcel.bytes(), 0)
          : new Receipt(attempt, -1, 0, 0);
    }
    if (d instanceof UploadInbox.Decision.Same s) {
      return new Receipt(attempt, s.holder(), s.bytes(), s.crc());
    }
    if (d instanceof UploadInbox.Decision.Differs df) {
      return new Receipt(attempt, df.holder(), df.bytes(), df.crc());
    }
    return new Receipt(attempt, -1, 0, 0);
  }

  private static Socket connect(UploadTarget target) {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.setSendBufferSize(SOCKET_BUFFER);
      s.connect(new InetSocketAddress(target.host(), target.port()), CONNECT_TIMEOUT_MS);
      return s;
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException ignored) {
        // not connected
      }
      if (WARNED.compareAndSet(false, true)) {
        LOG.warn("s3dlio bridge: cannot reach the driver's upload port {}:{} ({}); encoded partitions travel as Spark "
            + "task results instead (slower; see the upload options in docs/bridge.md)", target.host(), target.port(),
            e.toString());
      }
      return null;
    }
  }

  private static Receipt tcp(Socket s, UploadTarget target, int partition, long attempt, long count, int checksum,
      long[] positions, IpcRecordBatch batch) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 12));
    OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
    String where = "upload of partition " + partition + " (task attempt " + attempt + ") to the feed at "
        + target.host() + ":" + target.port();
    Frames.write(out, FrameType.UPLOAD_OFFER,
        Json.bytes(UploadProtocol.offer(target, partition, attempt, count, checksum, positions, batch)));
    out.flush();
    JsonNode reply = expect(in, FrameType.UPLOAD_REPLY, where);
    String decision = reply.path("decision").asText();
    switch (decision) {
      case "go" -> {
        int crc = UploadProtocol.writeData(out, positions, batch);
        out.flush();
        JsonNode stored = expect(in, FrameType.UPLOAD_STORED, where);
        if (stored.has("error")) {
          throw new IOException("The " + where + " failed: " + stored.get("error").asText());
        }
        if (stored.path("crc").asInt() != crc) {
          throw new IOException(String.format("The %s failed: the driver stored CRC32C %08x, the task sent %08x", where,
              stored.path("crc").asInt(), crc));
        }
        return new Receipt(attempt, attempt, stored.path("bytes").asLong(), crc);
      }
      case "same", "differs" -> {
        return new Receipt(attempt, reply.path("holder").asLong(), reply.path("bytes").asLong(),
            reply.path("crc").asInt());
      }
      case "refused" -> {
        return new Receipt(attempt, -1, 0, 0);
      }
      default -> throw new IOException("The " + where + " failed: " + reply.path("error").asText(reply.toString()));
    }
  }

  private static JsonNode expect(DataInputStream in, int type, String where) throws IOException {
    Frames.Frame f;
    try {
      f = Frames.read(in, UploadProtocol.MAX_CONTROL);
    } catch (java.io.EOFException e) {
      throw new IOException("The " + where + " failed: the driver closed the connection", e);
    }
    if (f.type() != type) {
      throw new FrameException("The " + where + " failed: expected " + FrameType.name(type) + ", got "
          + FrameType.name(f.type()));
    }
    return Json.parse(f.type(), f.payload());
  }
}
