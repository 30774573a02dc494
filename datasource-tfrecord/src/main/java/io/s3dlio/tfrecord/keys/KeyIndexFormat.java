package io.s3dlio.tfrecord.keys;

import com.google.protobuf.ByteString;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The key-index file ({@code .keyidx}), a compact binary format; all integers big-endian:
 * <pre>
 * magic       8 bytes  "S3DLKEY1"
 * key_type    u8       1 = bytes, 2 = int64, 3 = float
 * feature     i32 length + UTF-8 bytes       the key feature's name
 * file_count  i32
 * files       file_count times:
 *               uri     i32 length + UTF-8
 *               size    i64
 *               mtime   i64   ms since the epoch, -1 if unknown
 *               etag    i32 length + UTF-8, length -1 if none
 *               records i64   keyed records in the file
 *               dups    i64   duplicate keys found in the file (not indexed)
 * entry_count i64
 * entries     entry_count times:
 *               key     bytes: i32 length + bytes; int64: i64; float: i32 IEEE-754 bits
 *               file    i32   position in the file list
 *               offset  i64   byte offset of the record header
 *               length  i32   payload length (the framed record is length + 16 bytes)
 * crc         i32      CRC32C of every byte before it
 * </pre>
 */
public final class KeyIndexFormat {
  static final byte[] MAGIC = "S3DLKEY1".getBytes(StandardCharsets.US_ASCII);

  private KeyIndexFormat() {
  }

  /** What a key-index file holds. */
  public record Contents(KeyType type, String feature, List<SourceFile> files, Map<Object, RecordLocation> entries) {
  }

  public static void write(Contents c, OutputStream target) throws IOException {
    CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(target, 64 * 1024), new CRC32C());
    DataOutputStream out = new DataOutputStream(checked);
    out.write(MAGIC);
    out.writeByte(c.type().code());
    string(out, c.feature());
    out.writeInt(c.files().size());
    for (SourceFile f : c.files()) {
      string(out, f.uri());
      out.writeLong(f.size());
      out.writeLong(f.mtimeMillis());
      string(out, f.etag());
      out.writeLong(f.records());
      out.writeLong(f.duplicates());
    }
    out.writeLong(c.entries().size());
    for (Map.Entry<Object, RecordLocation> e : c.entries().entrySet()) {
      switch (c.type()) {
        case BYTES:
          ByteString b = (ByteString) e.getKey();
          out.writeInt(b.size());
          b.writeTo(out);
          break;
        case INT64:
          out.writeLong((Long) e.getKey());
          break;
        default:
          out.writeInt(Float.floatToIntBits((Float) e.getKey()));
      }
      out.writeInt(e.getValue().file());
      out.writeLong(e.getValue().offset());
      out.writeInt(e.getValue().length());
    }
    out.flush();
    int crc = (int) checked.getChecksum().getValue();
    out.writeInt(crc);
    out.flush();
  }

  /**
   * Reads a key-index file.
   *
   * @param source its name, used in errors
   * @throws IOException naming the file when it is not a key index, is cut short, or fails its CRC
   */
  public static Contents read(InputStream raw, String source) throws IOException {
    CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(raw, 64 * 1024), new CRC32C());
    DataInputStream in = new DataInputStream(checked);
    try {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new IOException("Bad key index " + source + ": not a key-index file (no S3DLKEY1 magic)");
      }
      KeyType type = KeyType.ofCode(in.readUnsignedByte());
      String feature = string(in);
      int nFiles = in.readInt();
      List<SourceFile> files = new ArrayList<>(nFiles);
      for (int i = 0; i < nFiles; i++) {
        files.add(new SourceFile(string(in), in.readLong(), in.readLong(), string(in), in.readLong(), in.readLong()));
      }
      long n = in.readLong();
      if (n < 0 || n > Integer.MAX_VALUE) {
        throw new IOException("Bad key index " + source + ": entry count " + n);
      }
      Map<Object, RecordLocation> entries = new LinkedHashMap<>((int) Math.min(n * 4 / 3 + 1, 1 << 24));
      for (long i = 0; i < n; i++) {
        Object key;
        switch (type) {
          case BYTES:
            int len = in.readInt();
            key = ByteString.copyFrom(in.readNBytes(len));
            break;
          case INT64:
            key = in.readLong();
            break;
          default:
            key = Float.intBitsToFloat(in.readInt());
        }
        int file = in.readInt();
        if (file < 0 || file >= nFiles) {
          throw new IOException("Bad key index " + source + ": entry " + i + " names file " + file + " of " + nFiles);
        }
        entries.put(key, new RecordLocation(file, in.readLong(), in.readInt()));
      }
      int expected = (int) checked.getChecksum().getValue();
      int stored = in.readInt();
      if (stored != expected) {
        throw new IOException("Bad key index " + source + ": CRC mismatch (the file is damaged)");
      }
      return new Contents(type, feature, files, entries);
    } catch (EOFException e) {
      throw new IOException("Bad key index " + source + ": the file is cut short", e);
    } catch (IllegalArgumentException e) {
      throw new IOException("Bad key index " + source + ": " + e.getMessage(), e);
    }
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String string(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new EOFException();
    }
    return new String(b, StandardCharsets.UTF_8);
  }
}
