package io.s3dlio.bridge.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.s3dlio.bridge.arrow.IpcRecordBatch;
import io.s3dlio.bridge.wire.FrameType;
import io.s3dlio.bridge.wire.Frames;
import io.s3dlio.bridge.wire.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Executor-to-driver uploads over real loopback TCP (the {@link UploadServer} and the task's
 * {@link UploadClient}, or a hand-driven task speaking the frames, to put attempts in a chosen order):
 * what arrives is what was sent; duplicate attempts of a task never hold a second copy and never
 * deliver their rows twice; a losing attempt's upload is dropped; attempts that disagree are a
 * conflict; bad secrets and corrupt data are refused without keeping anything.
 */
class TestUploads {
  private final AtomicLong held = new AtomicLong();
  private UploadInbox inbox;
  private UploadServer server;

  @BeforeEach
  void start() throws Exception {
    inbox = new UploadInbox("feed1", held::addAndGet, n -> held.addAndGet(-n));
    server = new UploadServer(inbox, "127.0.0.1", "127.0.0.1", 0, true);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** A record batch of one int64 column holding {@code rows} values from {@code seed}. */
  static IpcRecordBatch batch(int rows, long seed) {
    byte[] data = new byte[8 * rows];
    for (int i = 0; i < rows; i++) {
      long v = seed * 1_000_003L + i;
      for (int b = 0; b < 8; b++) {
        data[8 * i + b] = (byte) (v >>> (8 * b));
      }
    }
    return IpcRecordBatch.of(rows, new long[] {rows, 0}, new byte[][] {new byte[0], data});
  }

  static long[] positions(int rows, long first) {
    long[] p = new long[rows];
    for (int i = 0; i < rows; i++) {
      p[i] = first + 3L * i;
    }
    return p;
  }

  static byte[] bytes(IpcRecordBatch b) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    b.writeTo(out);
    return out.toByteArray();
  }

  /** A task speaking the upload frames by hand. */
  final class Task implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final OutputStream out;
    final UploadTarget target;

    Task(UploadTarget target) throws Exception {
      this.target = target;
      socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
      in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      out = socket.getOutputStream();
    }

    JsonNode offer(int partition, long attempt, int checksum, long[] positions, IpcRecordBatch batch) throws Exception {
      Frames.write(out, FrameType.UPLOAD_OFFER, Json.bytes(UploadProtocol.offer(target, partition, attempt,
          positions.length, checksum, positions, batch)));
      return reply(FrameType.UPLOAD_REPLY);
    }

    JsonNode reply(int type) throws Exception {
      Frames.Frame f = Frames.read(in, 1 << 16);
      assertThat(f.type()).isEqualTo(type);
      return Json.parse(f.type(), f.payload());
    }

    /** The DATA frame's bytes, to send whole, cut or corrupted. */
    byte[] data(long[] positions, IpcRecordBatch batch) throws Exception {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      UploadProtocol.writeData(b, positions, batch);
      return b.toByteArray();
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  @Test
  void anUploadArrivesWholeAndIsTakenByItsReceipt() throws Exception {
    UploadTarget t = server.target(7, 2);
    inbox.open(7, 2);
    IpcRecordBatch b = batch(1000, 5);
    long[] pos = positions(1000, 40);
    Receipt r = UploadClient.upload(t, 3, 101, 1000, 0xABCD, pos, b);
    assertThat(r.attempt()).isEqualTo(101);
    assertThat(r.holder()).isEqualTo(101);
    assertThat(r.bytes()).isEqualTo(b.heldBytes() + 8 * 1000);
    assertThat(held.get()).isEqualTo(r.bytes());
    Parcel p = inbox.take(t.key(3), r);
    assertThat(p.positions()).containsExactly(pos);
    assertThat(bytes(p.batch())).isEqualTo(bytes(b));
    assertThat(held.get()).isZero();
    inbox.close(7, 2);
  }

  @Test
  void aDuplicateAttemptWithTheSameRowsSendsNothingAndNamesTheHolder() throws Exception {
    UploadTarget t = server.target(1, 0);
    inbox.open(1, 0);
    IpcRecordBatch b = batch(500, 9);
    Receipt first = UploadClient.upload(t, 4, 20, 500, 77, positions(500, 0), b);
    long one = held.get();
    // a speculative or retried attempt of the same task, with its own (equal) encoding
    Receipt second = UploadClient.upload(t, 4, 21, 500, 77, positions(500, 0), batch(500, 9));
    assertThat(second.attempt()).isEqualTo(21);
    assertThat(second.holder()).isEqualTo(20);
    assertThat(second.bytes()).isEqualTo(first.bytes());
    assertThat(held.get()).as("one copy held").isEqualTo(one);
    // Spark accepts the second attempt: its receipt resolves to the first upload, once
    assertThat(bytes(inbox.take(t.key(4), second).batch())).isEqualTo(bytes(b));
    assertThatThrownBy(() -> inbox.take(t.key(4), first)).isInstanceOf(UploadInbox.UploadException.class)
        .hasMessage("the upload of partition 4 by task attempt 20 (named by the receipt of task attempt 20) is not in "
            + "the feed's inbox");
    inbox.close(1, 0);
    assertThat(held.get()).isZero();
  }

  @Test
  void aDuplicateAttemptWaitsForAnUploadInProgress() throws Exception {
    UploadTarget t = server.target(3, 1);
    inbox.open(3, 1);
    IpcRecordBatch b = batch(300, 1);
    long[] pos = positions(300, 10);
    try (Task first = new Task(t); Task second = new Task(t)) {
      assertThat(first.offer(0, 50, 5, pos, b).path("decision").asText()).isEqualTo("go");
      CompletableFuture<JsonNode> secondReply = CompletableFuture.supplyAsync(() -> {
        try {
          return second.offer(0, 51, 5, pos, b);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(200);
      assertThat(secondReply).as("waits while the first upload is in progress").isNotDone();
      first.out.write(first.data(pos, b));
      JsonNode stored = first.reply(FrameType.UPLOAD_STORED);
      JsonNode reply = secondReply.get(30, TimeUnit.SECONDS);
      assertThat(reply.path("decision").asText()).isEqualTo("same");
      assertThat(reply.path("holder").asLong()).isEqualTo(50);
      assertThat(held.get()).isEqualTo(stored.path("bytes").asLong());
      Parcel p = inbox.take(t.key(0), new Receipt(51, 50, reply.path("bytes").asLong(), reply.path("crc").asInt()));
      assertThat(p.positions()).containsExactly(pos);
    }
    inbox.close(3, 1);
    assertThat(held.get()).isZero();
  }

  @Test
  void aLosingDuplicateUploadIsDroppedWhenItsJobEnds() throws Exception {
    UploadTarget t = server.target(8, 0);
    inbox.open(8, 0);
    IpcRecordBatch b = batch(300, 6);
    long[] pos = positions(300, 0);
    Receipt winner = UploadClient.upload(t, 5, 80, 300, 4, pos, b);
    // the job's result is in: the driver takes the winner's upload
    Parcel delivered = inbox.take(t.key(5), winner);
    assertThat(held.get()).isZero();
    // a speculative attempt still running uploads the same partition before the job is closed
    Receipt loser = UploadClient.upload(t, 5, 81, 300, 4, pos, batch(300, 6));
    assertThat(loser.holder()).isEqualTo(81);
    assertThat(held.get()).isEqualTo(loser.bytes());
    inbox.close(8, 0); // the job ended: Spark discarded the loser's receipt
    assertThat(held.get()).as("the losing upload is dropped").isZero();
    assertThatThrownBy(() -> inbox.take(t.key(5), loser)).isInstanceOf(UploadInbox.UploadException.class);
    assertThat(bytes(delivered.batch())).isEqualTo(bytes(b));
    // and a later offer for the closed unit is refused, holding nothing
    try (Task late = new Task(t)) {
      assertThat(late.offer(5, 82, 4, pos, b).path("decision").asText()).isEqualTo("refused");
    }
    assertThat(held.get()).isZero();
  }

  @Test
  void anUploadCutShortIsDroppedAndTheNextAttemptUploads() throws Exception {
    UploadTarget t = server.target(2, 0);
    inbox.open(2, 0);
    IpcRecordBatch b = batch(400, 3);
    long[] pos = positions(400, 0);
    CompletableFuture<Receipt> retry;
    try (Task first = new Task(t)) {
      assertThat(first.offer(6, 30, 9, pos, b).path("decision").asText()).isEqualTo("go");
      retry = CompletableFuture.supplyAsync(() -> {
        try {
          return UploadClient.upload(t, 6, 31, 400, 9, pos, b);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(200);
      assertThat(retry).isNotDone();
      byte[] data = first.data(pos, b);
      first.out.write(data, 0, data.length / 2);
      first.out.flush();
    } // the first attempt's executor dies in the middle of its data
    Receipt r = retry.get(30, TimeUnit.SECONDS);
    assertThat(r.holder()).isEqualTo(31);
    assertThat(held.get()).isEqualTo(r.bytes());
    assertThat(bytes(inbox.take(t.key(6), r).batch())).isEqualTo(bytes(b));
    inbox.close(2, 0);
    assertThat(held.get()).isZero();
  }

  @Test
  void attemptsWithDifferentRowsAreAConflict() throws Exception {
    UploadTarget t = server.target(4, 3);
    inbox.open(4, 3);
    Receipt first = UploadClient.upload(t, 2, 60, 100, 0x11111111, positions(100, 0), batch(100, 1));
    Receipt second = UploadClient.upload(t, 2, 61, 100, 0x22222222, positions(100, 0), batch(100, 2));
    assertThat(second.holder()).isEqualTo(60);
    for (Receipt accepted : new Receipt[] {first, second}) {
      assertThatThrownBy(() -> inbox.take(t.key(2), accepted))
          .isInstanceOfSatisfying(UploadInbox.UploadException.class, e -> assertThat(e.nonDeterministic()).isTrue())
          .hasMessage("two attempts of its task gave different rows (task attempt 60: 100 rows, checksum 11111111; "
              + "task attempt 61: 100 rows, checksum 22222222)");
    }
    inbox.close(4, 3);
    assertThat(held.get()).isZero();
  }

  @Test
  void aWrongSecretOrCorruptDataIsRefusedAndNothingIsKept() throws Exception {
    UploadTarget good = server.target(5, 0);
    inbox.open(5, 0);
    UploadTarget forged = new UploadTarget(good.feedId(), 5, 0, good.host(), good.port(), "0".repeat(64), true);
    assertThatThrownBy(() -> UploadClient.upload(forged, 1, 70, 10, 1, positions(10, 0), batch(10, 1)))
        .hasMessage("The upload of partition 1 (task attempt 70) to the feed at 127.0.0.1:" + server.port()
            + " failed: the upload secret or feed id is wrong");
    IpcRecordBatch b = batch(200, 4);
    try (Task task = new Task(good)) {
      assertThat(task.offer(1, 71, 3, positions(200, 0), b).path("decision").asText()).isEqualTo("go");
      byte[] data = task.data(positions(200, 0), b);
      data[data.length / 2] ^= 0x40;
      task.out.write(data);
      assertThat(task.reply(FrameType.UPLOAD_STORED).path("error").asText())
          .matches("CRC32C mismatch in a UPLOAD_DATA frame of \\d+ bytes: computed [0-9a-f]{8}, frame says [0-9a-f]{8}");
    }
    assertThat(held.get()).isZero();
    // the next attempt may upload
    Receipt r = UploadClient.upload(good, 1, 72, 200, 3, positions(200, 0), b);
    assertThat(r.holder()).isEqualTo(72);
    inbox.close(5, 0);
    assertThat(held.get()).isZero();
  }

  @Test
  void anUnreachableUploadPortFallsBackToTaskResults() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    UploadTarget t = new UploadTarget("feed1", 1, 0, "127.0.0.1", closedPort, "x", true);
    assertThat(UploadClient.upload(t, 0, 1, 10, 0, positions(10, 0), batch(10, 0))).isNull();
  }

  @Test
  void inTheDriversJvmTheDataIsHandedOverWithoutACopy() throws Exception {
    inbox.register();
    try {
      UploadTarget t = new UploadTarget("feed1", 9, 0, "127.0.0.1", server.port(), "unused", false);
      inbox.open(9, 0);
      IpcRecordBatch b = batch(50, 2);
      Receipt r = UploadClient.upload(t, 0, 90, 50, 1, positions(50, 0), b);
      assertThat(inbox.take(t.key(0), r).batch()).isSameAs(b);
      inbox.close(9, 0);
    } finally {
      inbox.unregister();
    }
  }
}
