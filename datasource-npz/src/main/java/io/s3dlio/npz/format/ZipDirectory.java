package io.s3dlio.npz.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The central directory of a zip file (an .npz), read from the end of the file with ranged reads:
 * one tail read normally holds the end-of-central-directory record, the zip64 locator and record,
 * and the whole central directory; only a larger directory costs a second read.
 *
 * <p>Sizes and the local-header offset come from the central directory, with the zip64 extra
 * field where a value is 0xFFFFFFFF. Where a member's data starts is not known here: it follows the
 * member's local header, whose extra field can differ from the central one (numpy writes its zip64
 * extras only in local headers); see {@link NpzReader}.
 */
public final class ZipDirectory {
  /** How much of the end of the file is read first. */
  static final int TAIL_READ = 64 * 1024;
  static final int EOCD = 0x06054b50;
  static final int ZIP64_EOCD = 0x06064b50;
  static final int ZIP64_LOCATOR = 0x07064b50;
  static final int CENTRAL = 0x02014b50;
  static final int LOCAL = 0x04034b50;
  private static final int EOCD_SIZE = 22;
  private static final long MAX_COMMENT = 0xffff;

  /** One member. */
  public record Entry(String name, int method, int flags, long crc, long compressedSize, long size,
      long localHeaderOffset) {
    public boolean isStored() {
      return method == 0;
    }

    public boolean isEncrypted() {
      return (flags & 1) != 0;
    }
  }

  private final List<Entry> entries;

  private ZipDirectory(List<Entry> entries) {
    this.entries = Collections.unmodifiableList(entries);
  }

  public List<Entry> entries() {
    return entries;
  }

  /** Reads the directory of {@code src}. */
  public static ZipDirectory read(RangeSource src) throws IOException {
    long size = src.size();
    String name = src.name();
    if (size < EOCD_SIZE) {
      throw new NpzFormatException(name, 0, "file is " + size + " bytes, too short for a zip (.npz)");
    }
    int tailLen = (int) Math.min(size, TAIL_READ);
    long tailStart = size - tailLen;
    byte[] tail = src.read(tailStart, tailLen);
    int eocd = findEocd(tail, size, tailStart);
    if (eocd < 0 && tailStart > 0 && tailLen < MAX_COMMENT + EOCD_SIZE) {
      tailLen = (int) Math.min(size, MAX_COMMENT + EOCD_SIZE);
      tailStart = size - tailLen;
      tail = src.read(tailStart, tailLen);
      eocd = findEocd(tail, size, tailStart);
    }
    if (eocd < 0) {
      throw new NpzFormatException(name, size, "no end-of-central-directory record: not a zip (.npz) file"
          + " or truncated");
    }
    ByteBuffer t = ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN);
    long entries = t.getShort(eocd + 10) & 0xffffL;
    long cdSize = t.getInt(eocd + 12) & 0xffffffffL;
    long cdOffset = t.getInt(eocd + 16) & 0xffffffffL;
    int disk = t.getShort(eocd + 4) & 0xffff;
    if (disk != 0) {
      throw new NpzFormatException(name, tailStart + eocd, "multi-disk zip archives are not supported");
    }
    int loc = eocd - 20;
    if (loc >= 0 && t.getInt(loc) == ZIP64_LOCATOR) {
      long z64Offset = t.getLong(loc + 8);
      byte[] rec;
      int at;
      if (z64Offset >= tailStart && z64Offset + 56 <= tailStart + tailLen) {
        rec = tail;
        at = (int) (z64Offset - tailStart);
      } else {
        rec = src.read(z64Offset, 56);
        at = 0;
      }
      ByteBuffer r = ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN);
      if (r.getInt(at) != ZIP64_EOCD) {
        throw new NpzFormatException(name, z64Offset, "zip64 end-of-central-directory record not found where"
            + " the locator points");
      }
      entries = r.getLong(at + 32);
      cdSize = r.getLong(at + 40);
      cdOffset = r.getLong(at + 48);
    }
    if (cdOffset + cdSize > size || cdSize > Integer.MAX_VALUE || entries > cdSize / 46 + 1) {
      throw new NpzFormatException(name, tailStart + eocd, "central directory of " + entries + " entries at ["
          + cdOffset + ", " + (cdOffset + cdSize) + ") does not fit in a file of " + size + " bytes");
    }
    byte[] cd;
    int cdAt;
    if (cdOffset >= tailStart) {
      cd = tail;
      cdAt = (int) (cdOffset - tailStart);
    } else {
      cd = src.read(cdOffset, (int) cdSize);
      cdAt = 0;
    }
    return new ZipDirectory(parseCentral(name, cd, cdAt, (int) cdSize, cdOffset, entries));
  }

  private static int findEocd(byte[] tail, long size, long tailStart) {
    ByteBuffer t = ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = tail.length - EOCD_SIZE; i >= 0; i--) {
      if (t.getInt(i) == EOCD) {
        int comment = t.getShort(i + 20) & 0xffff;
        if (tailStart + i + EOCD_SIZE + comment == size) {
          return i;
        }
      }
    }
    return -1;
  }

  private static List<Entry> parseCentral(String name, byte[] cd, int at, int len, long fileOffset, long count)
      throws NpzFormatException {
    ByteBuffer b = ByteBuffer.wrap(cd, 0, Math.min(cd.length, at + len)).order(ByteOrder.LITTLE_ENDIAN);
    List<Entry> out = new ArrayList<>((int) count);
    int p = at;
    int end = at + len;
    for (long i = 0; i < count; i++) {
      long off = fileOffset + (p - at);
      if (p + 46 > end || b.getInt(p) != CENTRAL) {
        throw new NpzFormatException(name, off, "central directory entry " + i + " of " + count
            + " is missing or damaged");
      }
      int flags = b.getShort(p + 8) & 0xffff;
      int method = b.getShort(p + 10) & 0xffff;
      long crc = b.getInt(p + 16) & 0xffffffffL;
      long csize = b.getInt(p + 20) & 0xffffffffL;
      long usize = b.getInt(p + 24) & 0xffffffffL;
      int nameLen = b.getShort(p + 28) & 0xffff;
      int extraLen = b.getShort(p + 30) & 0xffff;
      int commentLen = b.getShort(p + 32) & 0xffff;
      long local = b.getInt(p + 42) & 0xffffffffL;
      if (p + 46 + nameLen + extraLen + commentLen > end) {
        throw new NpzFormatException(name, off, "central directory entry " + i + " runs past the directory");
      }
      Charset cs = (flags & 0x800) != 0 ? StandardCharsets.UTF_8 : cp437();
      String entryName = new String(cd, p + 46, nameLen, cs);
      // zip64 extra: the values that are 0xFFFFFFFF follow, in this order.
      int x = p + 46 + nameLen;
      int xEnd = x + extraLen;
      while (x + 4 <= xEnd) {
        int id = b.getShort(x) & 0xffff;
        int sz = b.getShort(x + 2) & 0xffff;
        if (id == 1) {
          int q = x + 4;
          if (usize == 0xffffffffL && q + 8 <= x + 4 + sz) {
            usize = b.getLong(q);
            q += 8;
          }
          if (csize == 0xffffffffL && q + 8 <= x + 4 + sz) {
            csize = b.getLong(q);
            q += 8;
          }
          if (local == 0xffffffffL && q + 8 <= x + 4 + sz) {
            local = b.getLong(q);
          }
        }
        x += 4 + sz;
      }
      out.add(new Entry(entryName, method, flags, crc, csize, usize, local));
      p += 46 + nameLen + extraLen + commentLen;
    }
    return out;
  }

  private static Charset cp437() {
    try {
      return Charset.forName("IBM437");
    } catch (IllegalArgumentException e) {
      return StandardCharsets.ISO_8859_1;
    }
  }
}
