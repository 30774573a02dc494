package io.s3dlio.bridge.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes frames to a channel through one reused direct buffer: the header and the payload pieces
 * are copied into it, the CRC32C runs over the buffer right after the copy (while the bytes are
 * still in the CPU's caches), and a frame that fits goes out in one write. Compared with writing
 * each piece to a socket's {@code OutputStream}, the JDK's own copy of every heap array into a
 * temporary native buffer is this copy, and a frame is one system call and one wake-up of the
 * receiver instead of one per piece. Frames larger than the buffer go out in buffer-sized writes.
 * Not thread-safe: callers serialise their frames.
 */
public final class ChannelFrameWriter {
  /** Most bytes the buffer grows to; a frame beyond it is written in pieces of this size. */
  static final int MAX_BUFFER = 8 << 20;

  private final WritableByteChannel channel;
  private ByteBuffer buffer;

  public ChannelFrameWriter(WritableByteChannel channel) {
    this.channel = channel;
    this.buffer = ByteBuffer.allocateDirect(64 << 10).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Writes a frame whose payload is the concatenation of {@code payload} (not consumed). Returns its CRC32C. */
  public int write(int type, List<ByteBuffer> payload) throws IOException {
    long length = 0;
    for (ByteBuffer b : payload) {
      length += b.remaining();
    }
    byte[] header = Frames.header(type, length);
    long frame = Frames.HEADER + length + Frames.TRAILER;
    if (frame > buffer.capacity() && buffer.capacity() < MAX_BUFFER) {
      buffer = ByteBuffer.allocateDirect((int) Math.min(MAX_BUFFER, Math.max(frame, 2L * buffer.capacity())))
          .order(ByteOrder.LITTLE_ENDIAN);
    }
    CRC32C crc = new CRC32C();
    ByteBuffer out = buffer;
    out.clear();
    out.put(header);
    for (ByteBuffer piece : payload) {
      ByteBuffer p = piece.duplicate();
      while (p.hasRemaining()) {
        if (!out.hasRemaining()) {
          drain(crc);
        }
        int n = Math.min(out.remaining(), p.remaining());
        out.put(out.position(), p, p.position(), n);
        out.position(out.position() + n);
        p.position(p.position() + n);
      }
    }
    if (out.remaining() < Frames.TRAILER) {
      drain(crc);
    }
    crc.update(out.duplicate().flip()); // what the buffer holds since the last drain
    int value = (int) crc.getValue();
    out.putInt(value);
    out.flip();
    writeFully(out);
    return value;
  }

  /** Checksums and writes what the buffer holds, and empties it. */
  private void drain(CRC32C crc) throws IOException {
    ByteBuffer out = buffer;
    out.flip();
    crc.update(out.duplicate());
    writeFully(out);
    out.clear();
  }

  private void writeFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }
}
