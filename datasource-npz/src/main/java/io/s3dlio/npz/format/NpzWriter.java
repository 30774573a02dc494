package io.s3dlio.npz.format;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes an .npz to a stream, front to back (no seeking, so it can write straight into an object
 * store's streaming writer): each member is an .npy, stored or deflated; sizes and CRC are known
 * before the local header is written (a deflated member is compressed in memory first), so no data
 * descriptors are needed. Zip64 records are written only when the archive needs them (offsets past
 * 4 GiB or more than 65,535 members). Member names are UTF-8.
 *
 * <p>The stream is closed by {@link #close()}, after the central directory.
 */
public final class NpzWriter implements Closeable {
  private static final long MAX32 = 0xffffffffL;

  private record Written(byte[] name, int method, long crc, long csize, long usize, long offset) {
  }

  private final OutputStream out;
  private final boolean compress;
  private final int level;
  private final List<Written> written = new ArrayList<>();
  private final Set<String> names = new HashSet<>();
  private final int dosTime;
  private final int dosDate;
  private long pos;
  private boolean closed;

  /**
   * @param compress deflate members (as {@code numpy.savez_compressed}) instead of storing them
   *     (as {@code numpy.savez})
   */
  public static NpzWriter stored(OutputStream out) {
    return new NpzWriter(out, false, Deflater.DEFAULT_COMPRESSION);
  }

  public static NpzWriter deflated(OutputStream out, int level) {
    return new NpzWriter(out, true, level);
  }

  private NpzWriter(OutputStream out, boolean compress, int level) {
    this.out = out;
    this.compress = compress;
    this.level = level;
    LocalDateTime now = LocalDateTime.now();
    this.dosTime = now.getHour() << 11 | now.getMinute() << 5 | now.getSecond() / 2;
    this.dosDate = Math.max(0, now.getYear() - 1980) << 9 | now.getMonthValue() << 5 | now.getDayOfMonth();
  }

  /** Adds {@code array} as member {@code name + ".npy"} (C order, little-endian). */
  public void add(String name, NpyArray array) throws IOException {
    if (closed) {
      throw new IOException("Cannot add '" + name + "': the .npz writer is closed");
    }
    if (!names.add(name)) {
      throw new IllegalArgumentException("Cannot add '" + name + "' twice to one .npz");
    }
    byte[] header = NpyHeader.of(array.dtype().littleEndian(), array.shape(), false).encode();
    byte[] data = array.data();
    CRC32 crc = new CRC32();
    crc.update(header);
    crc.update(data);
    long usize = (long) header.length + data.length;
    byte[] deflated = null;
    long csize = usize;
    if (compress) {
      deflated = deflate(header, data);
      csize = deflated.length;
    }
    byte[] entryName = (name + ".npy").getBytes(StandardCharsets.UTF_8);
    long offset = pos;
    int method = compress ? 8 : 0;
    writeLocal(entryName, method, crc.getValue(), csize, usize);
    if (compress) {
      write(deflated);
    } else {
      write(header);
      write(data);
    }
    written.add(new Written(entryName, method, crc.getValue(), csize, usize, offset));
  }

  private byte[] deflate(byte[] header, byte[] data) {
    Deflater d = new Deflater(level, true);
    try {
      ByteArrayOutputStream buf = new ByteArrayOutputStream(Math.max(64, data.length / 2));
      byte[] chunk = new byte[64 * 1024];
      d.setInput(header);
      while (!d.needsInput()) {
        buf.write(chunk, 0, d.deflate(chunk));
      }
      d.setInput(data);
      d.finish();
      while (!d.finished()) {
        buf.write(chunk, 0, d.deflate(chunk));
      }
      return buf.toByteArray();
    } finally {
      d.end();
    }
  }

  private boolean utf8(byte[] name) {
    for (byte b : name) {
      if (b < 0) {
        return true;
      }
    }
    return false;
  }

  private void writeLocal(byte[] name, int method, long crc, long csize, long usize) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(30 + name.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(ZipDirectory.LOCAL).putShort((short) 20).putShort((short) (utf8(name) ? 0x800 : 0))
        .putShort((short) method).putShort((short) dosTime).putShort((short) dosDate).putInt((int) crc)
        .putInt((int) csize).putInt((int) usize).putShort((short) name.length).putShort((short) 0).put(name);
    write(b.array());
  }

  private void write(byte[] b) throws IOException {
    out.write(b);
    pos += b.length;
  }

  /** Writes the central directory (and zip64 records when needed) and closes the stream. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      long cdStart = pos;
      for (Written w : written) {
        boolean z64 = w.offset >= MAX32;
        ByteBuffer b = ByteBuffer.allocate(46 + w.name.length + (z64 ? 12 : 0)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(ZipDirectory.CENTRAL).putShort((short) (z64 ? 45 : 20)).putShort((short) (z64 ? 45 : 20))
            .putShort((short) (utf8(w.name) ? 0x800 : 0)).putShort((short) w.method).putShort((short) dosTime)
            .putShort((short) dosDate).putInt((int) w.crc).putInt((int) w.csize).putInt((int) w.usize)
            .putShort((short) w.name.length).putShort((short) (z64 ? 12 : 0)).putShort((short) 0)
            .putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) (z64 ? MAX32 : w.offset)).put(w.name);
        if (z64) {
          b.putShort((short) 1).putShort((short) 8).putLong(w.offset);
        }
        write(b.array());
      }
      long cdSize = pos - cdStart;
      long n = written.size();
      boolean z64 = n >= 0xffff || cdStart >= MAX32 || cdSize >= MAX32;
      if (z64) {
        long recOffset = pos;
        ByteBuffer r = ByteBuffer.allocate(56 + 20).order(ByteOrder.LITTLE_ENDIAN);
        r.putInt(ZipDirectory.ZIP64_EOCD).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
            .putLong(n).putLong(n).putLong(cdSize).putLong(cdStart);
        r.putInt(ZipDirectory.ZIP64_LOCATOR).putInt(0).putLong(recOffset).putInt(1);
        write(r.array());
      }
      ByteBuffer e = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
      e.putInt(ZipDirectory.EOCD).putShort((short) 0).putShort((short) 0)
          .putShort((short) Math.min(n, 0xffff)).putShort((short) Math.min(n, 0xffff))
          .putInt((int) Math.min(cdSize, MAX32)).putInt((int) Math.min(cdStart, MAX32)).putShort((short) 0);
      write(e.array());
      out.flush();
    } finally {
      out.close();
    }
  }

  /** Bytes written so far. */
  public long bytesWritten() {
    return pos;
  }
}
