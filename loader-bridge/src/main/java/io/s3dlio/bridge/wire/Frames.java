package io.s3dlio.bridge.wire;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Frame codec: an 8-byte header (u32 payload length, u16 type, u16 flags = 0, little-endian), the
 * payload, then the CRC32C of header and payload (u32, little-endian).
 */
public final class Frames {
  public static final int HEADER = 8;
  public static final int TRAILER = 4;

  private Frames() {
  }

  /** One received frame. */
  public record Frame(int type, byte[] payload) {
  }

  /** The 8 header bytes of a frame of {@code length} payload bytes. */
  static byte[] header(int type, long length) {
    if (length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("frame payload of " + length + " bytes is over 2 GiB");
    }
    return ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN).putInt((int) length).putShort((short) type)
        .putShort((short) 0).array();
  }

  /** Writes a frame whose payload is the concatenation of {@code payload}; does not flush. Returns its CRC32C. */
  public static int write(OutputStream out, int type, List<ByteBuffer> payload) throws IOException {
    long length = 0;
    for (ByteBuffer b : payload) {
      length += b.remaining();
    }
    byte[] h = header(type, length);
    CRC32C crc = new CRC32C();
    crc.update(h);
    out.write(h);
    for (ByteBuffer b : payload) {
      crc.update(b.duplicate());
      if (b.hasArray()) {
        out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
      } else {
        byte[] copy = new byte[b.remaining()];
        b.duplicate().get(copy);
        out.write(copy);
      }
    }
    int value = (int) crc.getValue();
    out.write(ByteBuffer.allocate(TRAILER).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
    return value;
  }

  public static int write(OutputStream out, int type, byte[] payload) throws IOException {
    return write(out, type, List.of(ByteBuffer.wrap(payload)));
  }

  /**
   * Reads one frame. A connection closed before the first header byte is an {@link EOFException}
   * with message "closed"; anything else that is cut short, over {@code maxPayload} or fails its
   * CRC is a {@link FrameException} naming the frame and the cause.
   */
  public static Frame read(DataInputStream in, int maxPayload) throws IOException {
    Reader r = Reader.start(in, maxPayload);
    byte[] payload = new byte[(int) r.length()];
    r.read(payload, "payload");
    r.finish();
    return new Frame(r.type(), payload);
  }

  /**
   * Reads one frame piece by piece (into arrays of the caller's choosing), checking its CRC32C at
   * {@link #finish()}.
   */
  public static final class Reader {
    private final DataInputStream in;
    private final int type;
    private final long length;
    private final CRC32C crc = new CRC32C();
    private long got;

    private Reader(DataInputStream in, byte[] header) {
      this.in = in;
      ByteBuffer hb = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
      this.length = hb.getInt(0) & 0xFFFFFFFFL;
      this.type = hb.getShort(4) & 0xFFFF;
      crc.update(header);
    }

    /** Reads the next frame's header: see {@link Frames#read}. */
    public static Reader start(DataInputStream in, int maxPayload) throws IOException {
      byte[] h = new byte[HEADER];
      int first = in.read();
      if (first < 0) {
        throw new EOFException("closed");
      }
      h[0] = (byte) first;
      readFully(in, h, 1, HEADER - 1, "header");
      Reader r = new Reader(in, h);
      if (r.length > maxPayload) {
        throw new FrameException("frame " + FrameType.name(r.type) + " announces " + r.length
            + " payload bytes, more than the " + maxPayload + " allowed: not a bridge peer or a corrupt stream");
      }
      return r;
    }

    public int type() {
      return type;
    }

    /** Payload bytes. */
    public long length() {
      return length;
    }

    /** Reads the next {@code b.length} payload bytes into {@code b}. */
    public void read(byte[] b, String what) throws IOException {
      if (got + b.length > length) {
        throw new FrameException("a " + FrameType.name(type) + " frame of " + length + " payload bytes is too short "
            + "for its " + what + " (" + b.length + " bytes at payload offset " + got + ")");
      }
      readFully(in, b, 0, b.length, FrameType.name(type) + " " + what);
      crc.update(b);
      got += b.length;
    }

    /** Checks that the payload was read whole and the CRC32C; returns it. */
    public int finish() throws IOException {
      if (got != length) {
        throw new FrameException("a " + FrameType.name(type) + " frame holds " + length + " payload bytes, "
            + got + " were expected");
      }
      byte[] t = new byte[TRAILER];
      readFully(in, t, 0, TRAILER, FrameType.name(type) + " CRC32C");
      int expected = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN).getInt();
      int value = (int) crc.getValue();
      if (value != expected) {
        throw new FrameException(String.format("CRC32C mismatch in a %s frame of %d bytes: computed %08x, frame says "
            + "%08x", FrameType.name(type), length, value, expected));
      }
      return value;
    }
  }

  private static void readFully(DataInputStream in, byte[] b, int off, int len, String what) throws IOException {
    int got = 0;
    while (got < len) {
      int n = in.read(b, off + got, len - got);
      if (n < 0) {
        throw new FrameException("connection closed in the middle of a frame's " + what + " (" + got + " of " + len
            + " bytes)");
      }
      got += n;
    }
  }
}
