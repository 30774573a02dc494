package io.s3dlio.npz.format;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The header of one .npy array: format version, dtype, shape and memory order, and where the data
 * starts.
 *
 * <p>Layout: the magic {@code \x93NUMPY}, a major and a minor version byte, the header length
 * (2 bytes little-endian in 1.0, 4 bytes in 2.0 and 3.0), then the header text (latin-1 in 1.x and
 * 2.x, UTF-8 in 3.0): a Python dict literal with exactly the keys {@code descr},
 * {@code fortran_order} and {@code shape}, padded with spaces and ended with a newline. Headers of
 * the Python 2 era (padded to 16 bytes, shapes such as {@code (2L,)}) are accepted.
 */
public final class NpyHeader {
  /** Bytes of the magic string. */
  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** The smallest prefix that holds the magic, version and header length of any version. */
  public static final int PRELUDE_MAX = 12;
  private static final int ARRAY_ALIGN = 64;
  private static final int GROWTH_AXIS_MAX_DIGITS = 21;
  private static final Set<Object> KEYS = Set.of("descr", "fortran_order", "shape");

  private final int major;
  private final int minor;
  private final NpyDtype dtype;
  private final long[] shape;
  private final boolean fortranOrder;
  private final long dataOffset;
  private final long count;

  private NpyHeader(int major, int minor, NpyDtype dtype, long[] shape, boolean fortranOrder, long dataOffset,
      String source) throws NpzFormatException {
    this.major = major;
    this.minor = minor;
    this.dtype = dtype;
    this.shape = shape;
    this.fortranOrder = fortranOrder;
    this.dataOffset = dataOffset;
    long n = 1;
    for (long d : shape) {
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        throw new NpzFormatException(source, 8, "shape " + Arrays.toString(shape) + " has too many elements");
      }
    }
    this.count = n;
  }

  /** A header for writing (version chosen at encoding). */
  public static NpyHeader of(NpyDtype dtype, long[] shape, boolean fortranOrder) {
    Objects.requireNonNull(dtype, "dtype is null");
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("Cannot make a header with shape " + Arrays.toString(shape));
      }
    }
    try {
      return new NpyHeader(1, 0, dtype, shape.clone(), fortranOrder, -1, "header");
    } catch (NpzFormatException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * How many bytes the header occupies, from the first {@link #PRELUDE_MAX} (or fewer, at least
   * 10) bytes of the file; that is the offset of the data.
   */
  public static long headerLength(byte[] prelude, int length, String source) throws NpzFormatException {
    if (length < 10) {
      throw new NpzFormatException(source, 0, "file is " + length + " bytes, too short for an .npy header");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (prelude[i] != MAGIC[i]) {
        throw new NpzFormatException(source, i, "not an .npy file (bad magic "
            + hexPrefix(prelude, Math.min(length, 6)) + ")");
      }
    }
    int major = prelude[6] & 0xff;
    if (major == 1) {
      return 10L + ((prelude[8] & 0xff) | (prelude[9] & 0xff) << 8);
    }
    if (major == 2 || major == 3) {
      if (length < 12) {
        throw new NpzFormatException(source, length, "file ends inside the header length field");
      }
      long n = (prelude[8] & 0xffL) | (prelude[9] & 0xffL) << 8 | (prelude[10] & 0xffL) << 16
          | (prelude[11] & 0xffL) << 24;
      return 12L + n;
    }
    throw new NpzFormatException(source, 6, "unsupported .npy format version " + major + "."
        + (prelude[7] & 0xff) + " (supported: 1.0, 2.0, 3.0)");
  }

  /**
   * Parses a header from {@code bytes[0, length)}, which must hold at least
   * {@link #headerLength} bytes.
   *
   * @param source the file (and member) name used in error messages
   */
  public static NpyHeader parse(byte[] bytes, int length, String source) throws NpzFormatException {
    long total = headerLength(bytes, length, source);
    if (total > length) {
      throw new NpzFormatException(source, length, "file ends inside the header (header needs " + total
          + " bytes)");
    }
    int major = bytes[6] & 0xff;
    int minor = bytes[7] & 0xff;
    int start = major == 1 ? 10 : 12;
    String text = new String(bytes, start, (int) total - start,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    NpyHeader numpys = numpyForm(text, major, minor, total, source);
    return numpys != null ? numpys : fromLiteral(text, major, minor, total, start, source);
  }

  /** The header from its dict text, parsed as a Python literal ({@code start}: the text's offset, for errors). */
  static NpyHeader fromLiteral(String text, int major, int minor, long total, int start, String source)
      throws NpzFormatException {
    Object parsed;
    try {
      parsed = PyLiteral.parse(text);
    } catch (IllegalArgumentException e) {
      throw new NpzFormatException(source, start, "header is not a Python literal: " + e.getMessage()
          + " (header " + quote(text) + ")");
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new NpzFormatException(source, start, "header is not a dict: " + quote(text));
    }
    if (!map.keySet().equals(KEYS)) {
      throw new NpzFormatException(source, start, "header keys are " + map.keySet()
          + ", expected descr, fortran_order and shape");
    }
    Object descr = map.get("descr");
    NpyDtype dtype;
    if (descr instanceof String s) {
      try {
        dtype = NpyDtype.parse(s);
      } catch (IllegalArgumentException e) {
        throw new NpzFormatException(source, start, e.getMessage());
      }
    } else if (descr instanceof List<?>) {
      throw new NpzFormatException(source, start, "structured dtype " + quote(text.trim())
          + " is not supported (only plain numeric, bool, S and U dtypes)");
    } else {
      throw new NpzFormatException(source, start, "descr is not a string: " + quote(text));
    }
    if (!(map.get("fortran_order") instanceof Boolean fortran)) {
      throw new NpzFormatException(source, start, "fortran_order is not True or False: " + quote(text));
    }
    if (!(map.get("shape") instanceof PyLiteral.Tuple tuple)) {
      throw new NpzFormatException(source, start, "shape is not a tuple: " + quote(text));
    }
    long[] shape = new long[tuple.items().size()];
    for (int i = 0; i < shape.length; i++) {
      Object d = tuple.items().get(i);
      if (!(d instanceof BigInteger b) || b.signum() < 0 || b.bitLength() > 62) {
        throw new NpzFormatException(source, start, "shape entry " + d + " is not a size: " + quote(text));
      }
      shape[i] = b.longValue();
    }
    return new NpyHeader(major, minor, dtype, shape, fortran, total, source);
  }

  private static final String DESCR = "{'descr': '";
  private static final String FORTRAN = "', 'fortran_order': ";
  private static final String SHAPE = ", 'shape': (";
  private static final String END = "), }";
  /** Digits of a shape entry read here; a longer one (or anything unusual) goes to the general parser. */
  private static final int MAX_DIGITS = 18;

  /**
   * The header if {@code text} is exactly in the form numpy writes (e.g. <code>{'descr': '&lt;f4',
   * 'fortran_order': False, 'shape': (1000,), }</code> and white space), read directly; else null,
   * and {@link PyLiteral} parses it (any other spacing, quoting or order, escapes, and every
   * error). Same result as the general parse for the texts it accepts; it is the one every file
   * numpy writes takes, a sixth of the CPU of reading a small file through the general parser.
   */
  static NpyHeader numpyForm(String text, int major, int minor, long total, String source)
      throws NpzFormatException {
    if (!text.startsWith(DESCR)) {
      return null;
    }
    int descrEnd = text.indexOf('\'', DESCR.length());
    if (descrEnd < 0 || text.lastIndexOf('\\', descrEnd) >= DESCR.length() || !text.startsWith(FORTRAN, descrEnd)) {
      return null;
    }
    int at = descrEnd + FORTRAN.length();
    boolean fortran;
    if (text.startsWith("False", at)) {
      fortran = false;
      at += 5;
    } else if (text.startsWith("True", at)) {
      fortran = true;
      at += 4;
    } else {
      return null;
    }
    if (!text.startsWith(SHAPE, at)) {
      return null;
    }
    at += SHAPE.length();
    long[] dims = new long[4];
    int rank = 0;
    while (at < text.length() && text.charAt(at) != ')') {
      int digits = 0;
      long d = 0;
      while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9' && digits <= MAX_DIGITS) {
        d = d * 10 + (text.charAt(at++) - '0');
        digits++;
      }
      if (digits == 0 || digits > MAX_DIGITS || at >= text.length()) {
        return null;
      }
      if (rank == dims.length) {
        dims = Arrays.copyOf(dims, rank * 2);
      }
      dims[rank++] = d;
      if (text.startsWith(", ", at) && at + 2 < text.length() && text.charAt(at + 2) != ')') {
        at += 2; // another entry follows
      } else if (text.charAt(at) == ',' && rank == 1) {
        at++; // the one-entry tuple (n,)
      } else if (text.charAt(at) != ')') {
        return null;
      }
    }
    if (!text.startsWith(END, at)) {
      return null;
    }
    for (int i = at + END.length(); i < text.length(); i++) {
      if (!Character.isWhitespace(text.charAt(i))) {
        return null;
      }
    }
    NpyDtype dtype;
    try {
      dtype = NpyDtype.parse(text.substring(DESCR.length(), descrEnd));
    } catch (IllegalArgumentException e) {
      return null; // the general parse reports it
    }
    return new NpyHeader(major, minor, dtype, Arrays.copyOf(dims, rank), fortran, total, source);
  }

  public int majorVersion() {
    return major;
  }

  public int minorVersion() {
    return minor;
  }

  public NpyDtype dtype() {
    return dtype;
  }

  /** A copy of the shape; empty for a 0-d array. */
  public long[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public long dim(int axis) {
    return shape[axis];
  }

  public boolean fortranOrder() {
    return fortranOrder;
  }

  /** Number of elements (1 for a 0-d array). */
  public long count() {
    return count;
  }

  /** Bytes of data after the header. */
  public long dataLength() {
    return count * dtype.itemSize();
  }

  /** Offset of the data from the start of the file (the header's total size); -1 if not parsed. */
  public long dataOffset() {
    return dataOffset;
  }

  /** The dict text numpy writes, without padding, e.g. {@code {'descr': '<f4', ...}}. */
  String dictText() {
    StringBuilder sb = new StringBuilder("{'descr': '").append(dtype.descr()).append("', 'fortran_order': ")
        .append(fortranOrder ? "True" : "False").append(", 'shape': (");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    if (shape.length == 1) {
      sb.append(',');
    }
    sb.append("), }");
    return sb.toString();
  }

  /**
   * The header bytes as numpy 1.24 writes them: the smallest version that can hold the text (1.0,
   * else 2.0 when longer than 65535 bytes, 3.0 when the text is not latin-1), padded with spaces
   * (with room for the first axis to grow) to a multiple of 64 bytes and ended with a newline.
   */
  public byte[] encode() {
    String text = dictText();
    int axis = fortranOrder ? shape.length - 1 : 0;
    if (shape.length > 0) {
      text += " ".repeat(GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[axis]).length());
    }
    boolean latin1 = StandardCharsets.ISO_8859_1.newEncoder().canEncode(text);
    int version = !latin1 ? 3 : wrapped(text, 1).length - 10 <= 65535 ? 1 : 2;
    return wrapped(text, version);
  }

  /** The header bytes in a given version (1, 2 or 3). */
  public byte[] encode(int version) {
    String text = dictText();
    int axis = fortranOrder ? shape.length - 1 : 0;
    if (shape.length > 0) {
      text += " ".repeat(GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[axis]).length());
    }
    return wrapped(text, version);
  }

  private static byte[] wrapped(String text, int version) {
    if (version < 1 || version > 3) {
      throw new IllegalArgumentException("Cannot write .npy version " + version + " (1, 2 or 3)");
    }
    byte[] body = text.getBytes(version == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    int lenField = version == 1 ? 2 : 4;
    int unpadded = MAGIC.length + 2 + lenField + body.length + 1;
    int pad = ARRAY_ALIGN - unpadded % ARRAY_ALIGN; // numpy pads a full 64 when already aligned
    int hlen = body.length + pad + 1;
    if (version == 1 && hlen > 65535) {
      throw new IllegalArgumentException("Cannot write .npy version 1.0: header of " + hlen + " bytes");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(unpadded + pad);
    out.write(MAGIC, 0, MAGIC.length);
    out.write(version);
    out.write(0);
    out.write(hlen & 0xff);
    out.write(hlen >>> 8 & 0xff);
    if (lenField == 4) {
      out.write(hlen >>> 16 & 0xff);
      out.write(hlen >>> 24 & 0xff);
    }
    out.write(body, 0, body.length);
    for (int i = 0; i < pad; i++) {
      out.write(' ');
    }
    out.write('\n');
    return out.toByteArray();
  }

  private static String quote(String text) {
    String t = text.length() > 200 ? text.substring(0, 200) + "..." : text;
    return "\"" + t.replace("\n", "\\n") + "\"";
  }

  private static String hexPrefix(byte[] b, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(String.format("%02x", b[i] & 0xff));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "NpyHeader{" + major + "." + minor + " " + dictText() + ", dataOffset=" + dataOffset + "}";
  }
}
