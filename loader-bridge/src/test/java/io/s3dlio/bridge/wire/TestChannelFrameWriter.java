package io.s3dlio.bridge.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class TestChannelFrameWriter {
  /** Frames written through the direct buffer read back whole with their CRC32C, also past the buffer's size. */
  @Test
  void framesOfEverySizeReadBackWithTheirCrc() throws Exception {
    Random random = new Random(5);
    int[] sizes = {0, 1, 13, 70_000, ChannelFrameWriter.MAX_BUFFER - 12, ChannelFrameWriter.MAX_BUFFER + 5_000_001};
    List<byte[]> payloads = new ArrayList<>();
    for (int n : sizes) {
      byte[] b = new byte[n];
      random.nextBytes(b);
      payloads.add(b);
    }
    Pipe pipe = Pipe.open();
    CompletableFuture<List<Frames.Frame>> read = CompletableFuture.supplyAsync(() -> {
      List<Frames.Frame> frames = new ArrayList<>();
      try (DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(pipe.source())))) {
        for (int i = 0; i < sizes.length; i++) {
          frames.add(Frames.read(in, Integer.MAX_VALUE));
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return frames;
    });
    ChannelFrameWriter writer = new ChannelFrameWriter(pipe.sink());
    List<Integer> crcs = new ArrayList<>();
    for (byte[] p : payloads) {
      // the payload in three pieces: a heap slice, a direct buffer, a read-only slice
      int a = p.length / 3;
      int b = 2 * p.length / 3;
      ByteBuffer direct = ByteBuffer.allocateDirect(b - a).put(p, a, b - a).flip();
      ByteBuffer tail = ByteBuffer.wrap(p, b, p.length - b).asReadOnlyBuffer();
      List<ByteBuffer> pieces = List.of(ByteBuffer.wrap(p, 0, a), direct, tail);
      crcs.add(writer.write(FrameType.BATCH, pieces));
      assertThat(pieces.get(1).remaining()).as("the pieces are not consumed").isEqualTo(b - a);
    }
    pipe.sink().close();
    List<Frames.Frame> frames = read.get();
    for (int i = 0; i < sizes.length; i++) {
      assertThat(frames.get(i).type()).isEqualTo(FrameType.BATCH);
      assertThat(frames.get(i).payload()).isEqualTo(payloads.get(i));
      CRC32C crc = new CRC32C();
      crc.update(Frames.header(FrameType.BATCH, sizes[i]));
      crc.update(payloads.get(i));
      assertThat(crcs.get(i)).isEqualTo((int) crc.getValue());
    }
  }
}
