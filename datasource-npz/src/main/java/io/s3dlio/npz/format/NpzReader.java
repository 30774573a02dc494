package io.s3dlio.npz.format;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Reads an .npz (a zip of .npy members, stored or deflated, zip64 or not) through ranged reads.
 *
 * <p>Opening reads only the tail of the file ({@link ZipDirectory}). A member's data is located from
 * its own local header, never from the central directory's extra field. Fetching a stored member
 * costs one ranged read (local header, .npy header and data together); its header alone costs one
 * small read; rows of a stored C-order member are one ranged read of just those rows. Deflated
 * members are streamed through {@link Inflater}. Whole-member reads check the CRC-32 and size of
 * the member.
 *
 * <p>Not thread-safe: use one reader per task.
 */
public final class NpzReader implements ArrayFile {
  /** Bytes fetched past the local header's name for its extra field (numpy writes 20). */
  private static final int EXTRA_GUESS = 64;
  /** Bytes of .npy header fetched with a local header. */
  private static final int NPY_HEADER_GUESS = 256;
  /** Compressed bytes fetched first to inflate a deflated member's header. */
  private static final int DEFLATED_HEADER_GUESS = 8192;

  private final RangeSource src;
  private final Map<String, ZipDirectory.Entry> members = new LinkedHashMap<>();
  private final Map<String, Long> dataStarts = new HashMap<>();
  private final Map<String, NpyHeader> headers = new HashMap<>();

  private NpzReader(RangeSource src, ZipDirectory dir) {
    this.src = src;
    for (ZipDirectory.Entry e : dir.entries()) {
      if (e.name().endsWith(".npy")) {
        members.put(e.name().substring(0, e.name().length() - 4), e);
      }
    }
  }

  /** Reads the directory of {@code src} (a tail read, plus one more for a large directory). */
  public static NpzReader open(RangeSource src) throws IOException {
    return new NpzReader(src, ZipDirectory.read(src));
  }

  @Override
  public String name() {
    return src.name();
  }

  @Override
  public RangeSource source() {
    return src;
  }

  @Override
  public List<String> arrayNames() {
    return new ArrayList<>(members.keySet());
  }

  /** The zip entry of an array. */
  public ZipDirectory.Entry entry(String array) {
    ZipDirectory.Entry e = members.get(array);
    if (e == null) {
      throw new IllegalArgumentException("Cannot find array '" + array + "' in " + src.name() + " (members: "
          + members.keySet() + ")");
    }
    return e;
  }

  private String where(ZipDirectory.Entry e) {
    return src.name() + "!" + e.name();
  }

  private void checkReadable(ZipDirectory.Entry e) throws NpzFormatException {
    if (e.isEncrypted()) {
      throw new NpzFormatException(where(e), 0, "member is encrypted, which is not supported");
    }
    if (e.method() != 0 && e.method() != 8) {
      throw new NpzFormatException(where(e), 0, "compression method " + e.method()
          + " is not supported (only stored and deflated)");
    }
  }

  /** A whole member is read into one array: at most 2 GiB (row ranges of larger stored members are read in pieces). */
  private void checkWhole(ZipDirectory.Entry e) throws NpzFormatException {
    if (e.size() > Integer.MAX_VALUE - 16) {
      throw new NpzFormatException(where(e), 0, "member of " + e.size()
          + " bytes is larger than 2 GiB, which is not supported in one piece"
          + (e.isStored() ? " (its rows can be read in ranges)" : ""));
    }
  }

  /**
   * Parses the local header found at the start of {@code buf} (fetched from the entry's local
   * header offset); returns the data start and remembers it.
   */
  private long parseLocal(ZipDirectory.Entry e, byte[] buf) throws NpzFormatException {
    long local = e.localHeaderOffset();
    if (buf.length < 30) {
      throw new NpzFormatException(src.name(), local, "local header of " + e.name() + " runs past the end of the"
          + " file");
    }
    ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt(0) != ZipDirectory.LOCAL) {
      throw new NpzFormatException(src.name(), local, "no local header of " + e.name()
          + " where the central directory points");
    }
    int nameLen = b.getShort(26) & 0xffff;
    int extraLen = b.getShort(28) & 0xffff;
    long start = local + 30 + nameLen + extraLen;
    if (start + e.compressedSize() > src.size()) {
      throw new NpzFormatException(src.name(), start, "data of " + e.name() + " (" + e.compressedSize()
          + " bytes) runs past the end of the file (" + src.size() + " bytes)");
    }
    dataStarts.put(e.name(), start);
    return start;
  }

  private long dataStart(ZipDirectory.Entry e) throws IOException {
    Long s = dataStarts.get(e.name());
    if (s != null) {
      return s;
    }
    int n = (int) Math.min(30 + e.name().length() * 4L + EXTRA_GUESS, src.size() - e.localHeaderOffset());
    return parseLocal(e, src.read(e.localHeaderOffset(), Math.max(n, 0)));
  }

  @Override
  public NpyHeader header(String array) throws IOException {
    NpyHeader h = headers.get(array);
    if (h != null) {
      return h;
    }
    ZipDirectory.Entry e = entry(array);
    checkReadable(e);
    if (e.isStored()) {
      long local = e.localHeaderOffset();
      long want = 30L + e.name().length() * 4L + EXTRA_GUESS + Math.min(e.compressedSize(), NPY_HEADER_GUESS);
      byte[] buf = src.read(local, (int) Math.min(want, src.size() - local));
      long start = parseLocal(e, buf);
      int at = (int) (start - local);
      int have = (int) Math.max(0, Math.min(buf.length - at, e.compressedSize()));
      byte[] npy = Arrays.copyOfRange(buf, Math.min(at, buf.length), Math.min(at, buf.length) + have);
      long total = NpyHeader.headerLength(npy, have, where(e));
      if (total > have) {
        if (total > e.compressedSize() || total > NpyReader.MAX_HEADER) {
          throw new NpzFormatException(where(e), 8, "header length " + total + " does not fit in a member of "
              + e.compressedSize() + " bytes");
        }
        npy = src.read(start, (int) total);
        have = npy.length;
      }
      h = NpyHeader.parse(npy, have, where(e));
    } else {
      long start = dataStart(e);
      long n = Math.min(e.compressedSize(), DEFLATED_HEADER_GUESS);
      try (InputStream in = inflating(e, start, n)) {
        h = NpyReader.readHeader(in, where(e));
      } catch (EOFException | NpzFormatException first) {
        if (n == e.compressedSize()) {
          throw first;
        }
        try (InputStream in = inflating(e, start, e.compressedSize())) {
          h = NpyReader.readHeader(in, where(e));
        }
      }
    }
    checkFits(e, h);
    headers.put(array, h);
    return h;
  }

  private void checkFits(ZipDirectory.Entry e, NpyHeader h) throws NpzFormatException {
    if (h.dataOffset() + h.dataLength() > e.size()) {
      throw new NpzFormatException(where(e), e.size(), "member is " + e.size() + " bytes but its header ("
          + h.dataOffset() + " bytes, shape " + Arrays.toString(h.shape()) + ", dtype " + h.dtype() + ") needs "
          + (h.dataOffset() + h.dataLength()));
    }
  }

  private InputStream inflating(ZipDirectory.Entry e, long start, long n) throws IOException {
    InputStream raw = src.open(start, n);
    Inflater inf = new Inflater(true);
    return new InflaterInputStream(raw, inf, 64 * 1024) {
      private boolean closed;

      @Override
      public void close() throws IOException {
        if (!closed) {
          closed = true;
          super.close();
          inf.end();
        }
      }

      @Override
      protected void fill() throws IOException {
        try {
          super.fill();
        } catch (EOFException x) {
          throw new EOFException("Cannot read " + where(e) + ": compressed data ends early");
        }
      }
    };
  }

  @Override
  public NpyArray read(String array) throws IOException {
    ZipDirectory.Entry e = entry(array);
    checkReadable(e);
    checkWhole(e);
    if (e.isStored()) {
      return readStored(array, e);
    }
    long start = dataStart(e);
    try (CheckedInputStream in = new CheckedInputStream(inflating(e, start, e.compressedSize()), new CRC32())) {
      NpyHeader h = NpyReader.readHeader(in, where(e));
      checkFits(e, h);
      headers.putIfAbsent(array, h);
      byte[] data = new byte[(int) h.dataLength()];
      int got = NpyReader.readUpTo(in, data, 0, data.length);
      if (got < data.length) {
        throw new NpzFormatException(where(e), h.dataOffset() + got, "data ends after " + got
            + " of " + h.dataLength() + " bytes");
      }
      long rest = drain(in);
      checkCrc(e, in.getChecksum().getValue(), h.dataOffset() + data.length + rest);
      return NpyArray.adopt(h, data, where(e));
    } catch (java.util.zip.ZipException z) {
      throw new NpzFormatException(where(e), 0, "compressed data is damaged: " + z.getMessage(), z);
    }
  }

  /**
   * A stored member in one pass over one ranged read: the local header (unless its data start is
   * already known), the .npy header, then the values straight into the array's own buffer, with
   * the CRC-32 computed slice by slice as the bytes arrive. The read asks for a few bytes past the
   * member when the local header's size is guessed; they are read and dropped, so that the
   * connection is reused. If the local header is larger than guessed, the rest of the member is a
   * second ranged read.
   */
  private NpyArray readStored(String array, ZipDirectory.Entry e) throws IOException {
    Long known = dataStarts.get(e.name());
    long from = known != null ? known : e.localHeaderOffset();
    long guessEnd = known != null ? known + e.compressedSize()
        : Math.min(src.size(), e.localHeaderOffset() + 30L + e.name().length() * 4L + EXTRA_GUESS + e.compressedSize());
    try (MemberStream in = new MemberStream(from, guessEnd)) {
      long start;
      if (known != null) {
        start = known;
      } else {
        byte[] local = new byte[30];
        int n = NpyReader.readUpTo(in, local, 0, 30);
        ByteBuffer b = ByteBuffer.wrap(local).order(ByteOrder.LITTLE_ENDIAN);
        if (n < 30 || b.getInt(0) != ZipDirectory.LOCAL) {
          throw new NpzFormatException(src.name(), from, n < 30 ? "local header of " + e.name()
              + " runs past the end of the file" : "no local header of " + e.name() + " where the central directory points");
        }
        int skip = (b.getShort(26) & 0xffff) + (b.getShort(28) & 0xffff);
        start = from + 30 + skip;
        if (start + e.compressedSize() > src.size()) {
          throw new NpzFormatException(src.name(), start, "data of " + e.name() + " (" + e.compressedSize()
              + " bytes) runs past the end of the file (" + src.size() + " bytes)");
        }
        dataStarts.put(e.name(), start);
        in.skipFully(skip);
      }
      in.memberEnd(start + e.compressedSize());
      CRC32 crc = new CRC32();
      CheckedInputStream checked = new CheckedInputStream(in, crc);
      NpyHeader h = NpyReader.readHeader(checked, where(e));
      checkFits(e, h);
      headers.putIfAbsent(array, h);
      byte[] data = new byte[(int) h.dataLength()];
      for (int done = 0; done < data.length; ) {
        // slices small enough that the CRC reads them from the cache they were just written to
        int n = checked.read(data, done, Math.min(CRC_SLICE, data.length - done));
        if (n < 0) {
          throw new NpzFormatException(where(e), h.dataOffset() + done, "data ends after " + done + " of "
              + h.dataLength() + " bytes");
        }
        done += n;
      }
      long rest = drain(checked);
      checkCrc(e, crc.getValue(), h.dataOffset() + data.length + rest);
      return NpyArray.adopt(h, data, where(e));
    }
  }

  /** Bytes of a member read at a time, each checksummed at once. */
  private static final int CRC_SLICE = 256 << 10;

  /**
   * Reads a stream to its end; returns how many bytes were left. Usually none are: the scratch
   * buffer is allocated only when there are (two drains per member read made 8 KiB of garbage each,
   * 32 KiB per file of two arrays: 3.4 of the 25 GB allocated by 120,000 small-file reads).
   */
  private static long drain(InputStream in) throws IOException {
    int first = in.read();
    if (first < 0) {
      return 0;
    }
    byte[] scratch = new byte[8192];
    long total = 1;
    for (int n; (n = in.read(scratch)) > 0; ) {
      total += n;
    }
    return total;
  }

  /**
   * The bytes of one stored member from {@code from}: one ranged read to {@code guessEnd}, then,
   * once the member's end is known ({@link #memberEnd}), a second read for whatever the first did
   * not cover. It ends at the member's end; the bytes of the first read past it are dropped at
   * close.
   */
  private final class MemberStream extends InputStream {
    private InputStream cur;
    private long pos;
    private long curEnd;
    private long end;
    private final byte[] one = new byte[1];

    MemberStream(long from, long guessEnd) throws IOException {
      this.pos = from;
      this.curEnd = guessEnd;
      this.end = guessEnd;
      this.cur = src.open(from, guessEnd - from);
    }

    void memberEnd(long memberEnd) {
      this.end = memberEnd;
    }

    void skipFully(long n) throws IOException {
      byte[] scratch = new byte[(int) Math.min(n, 8192)];
      for (long left = n; left > 0; ) {
        int k = read(scratch, 0, (int) Math.min(scratch.length, left));
        if (k < 0) {
          throw new NpzFormatException(src.name(), pos, "file ends inside a local header");
        }
        left -= k;
      }
    }

    @Override
    public int read() throws IOException {
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (pos >= end) {
        return -1;
      }
      if (pos >= curEnd) {
        cur.close();
        cur = src.open(pos, end - pos);
        curEnd = end;
      }
      int n = cur.read(b, off, (int) Math.min(len, Math.min(end, curEnd) - pos));
      if (n < 0) {
        throw new NpzFormatException(src.name(), pos, "file ends before the " + (curEnd - pos)
            + " bytes asked for at this offset (was it replaced?)");
      }
      pos += n;
      return n;
    }

    @Override
    public void close() throws IOException {
      if (pos < curEnd && curEnd - pos <= EXTRA_GUESS + 4096) {
        // a few bytes past the member: consume them, so that the connection can be reused (a
        // skip: free on a stream over bytes already fetched, read and dropped on a network stream)
        try {
          for (long left = curEnd - pos, n; left > 0 && (n = cur.skip(left)) > 0; ) {
            left -= n;
          }
        } catch (IOException ignored) {
          // closed below either way
        }
      }
      cur.close();
    }
  }

  private void checkCrc(ZipDirectory.Entry e, long crc, long size) throws NpzFormatException {
    if (crc != e.crc()) {
      throw new NpzFormatException(where(e), 0, String.format("CRC-32 mismatch: member has %08x, central"
          + " directory says %08x", crc, e.crc()));
    }
    if (size != e.size()) {
      throw new NpzFormatException(where(e), size, "member is " + size + " bytes, central directory says "
          + e.size());
    }
  }

  @Override
  public boolean canReadRows(String array) throws IOException {
    NpyHeader h = header(array);
    return entry(array).isStored() && h.rank() > 0 && (!h.fortranOrder() || h.rank() == 1);
  }

  @Override
  public NpyArray readRows(String array, long first, long count) throws IOException {
    if (!canReadRows(array)) {
      throw new IllegalStateException("Cannot read rows of " + where(entry(array))
          + ": only stored C-order members with at least one dimension");
    }
    ZipDirectory.Entry e = entry(array);
    NpyHeader h = header(array);
    return rows(h, src, dataStart(e) + h.dataOffset(), first, count, where(e));
  }

  /** Rows [first, first + count) of a C-order array whose data starts at {@code dataStart} in {@code src}. */
  static NpyArray rows(NpyHeader h, RangeSource src, long dataStart, long first, long count, String where)
      throws IOException {
    long[] shape = h.shape();
    if (first < 0 || count < 0 || first + count > shape[0]) {
      throw new IllegalArgumentException("Cannot read rows [" + first + ", " + (first + count) + ") of " + where
          + ": it has " + shape[0] + " rows");
    }
    long rowBytes = h.dtype().itemSize();
    for (int i = 1; i < shape.length; i++) {
      rowBytes *= shape[i];
    }
    long len = rowBytes * count;
    if (len > Integer.MAX_VALUE - 16) {
      throw new NpzFormatException(where, h.dataOffset() + first * rowBytes, "rows of " + len
          + " bytes are larger than 2 GiB, which is not supported");
    }
    byte[] data = src.read(dataStart + first * rowBytes, (int) len);
    shape[0] = count;
    NpyHeader part = NpyHeader.of(h.dtype(), shape, false);
    return NpyArray.adopt(part, data, where);
  }
}
