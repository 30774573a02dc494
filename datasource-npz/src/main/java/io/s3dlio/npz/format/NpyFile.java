package io.s3dlio.npz.format;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/** One .npy file read through a {@link RangeSource}: its single array is named {@link #ARRAY}. */
public final class NpyFile implements ArrayFile {
  /** The name of the array of an .npy file. */
  public static final String ARRAY = "array";
  /** Bytes read first to get the header (enough for any header numpy writes for up to 8-d). */
  static final int HEADER_READ = 256;

  private final RangeSource src;
  private NpyHeader header;

  public NpyFile(RangeSource src) {
    this.src = src;
  }

  @Override
  public String name() {
    return src.name();
  }

  @Override
  public List<String> arrayNames() {
    return List.of(ARRAY);
  }

  @Override
  public NpyHeader header(String array) throws IOException {
    check(array);
    if (header == null) {
      int n = (int) Math.min(src.size(), HEADER_READ);
      byte[] b = src.read(0, n);
      long total = NpyHeader.headerLength(b, n, src.name());
      if (total > n) {
        if (total > NpyReader.MAX_HEADER || total > src.size()) {
          throw new NpzFormatException(src.name(), 8, "header length " + total + " does not fit in a file of "
              + src.size() + " bytes");
        }
        b = src.read(0, (int) total);
        n = b.length;
      }
      header = NpyHeader.parse(b, n, src.name());
    }
    return header;
  }

  @Override
  public NpyArray read(String array) throws IOException {
    NpyHeader h = header(array);
    checkFits(h);
    if (h.dataLength() > Integer.MAX_VALUE - 16) {
      throw new NpzFormatException(src.name(), h.dataOffset(), "array of " + h.dataLength()
          + " bytes is larger than 2 GiB, which is not supported in one piece (its rows can be read in ranges)");
    }
    byte[] data = src.read(h.dataOffset(), (int) h.dataLength());
    return NpyArray.adopt(h, data, src.name());
  }

  /** The data the header describes is all in the file (row ranges of any size are read from it). */
  private void checkFits(NpyHeader h) throws NpzFormatException {
    if (h.dataOffset() + h.dataLength() > src.size()) {
      throw new NpzFormatException(src.name(), src.size(), "data ends after " + (src.size() - h.dataOffset())
          + " of " + h.dataLength() + " bytes (shape " + Arrays.toString(h.shape()) + ", dtype " + h.dtype() + ")");
    }
  }

  @Override
  public boolean canReadRows(String array) throws IOException {
    NpyHeader h = header(array);
    return h.rank() > 0 && (!h.fortranOrder() || h.rank() == 1);
  }

  @Override
  public NpyArray readRows(String array, long first, long count) throws IOException {
    NpyHeader h = header(array);
    if (!canReadRows(array)) {
      throw new IllegalStateException("Cannot read rows of " + src.name() + ": not a C-order array with rows");
    }
    checkFits(h);
    return NpzReader.rows(h, src, h.dataOffset(), first, count, src.name());
  }

  @Override
  public RangeSource source() {
    return src;
  }

  private void check(String array) {
    if (!ARRAY.equals(array)) {
      throw new IllegalArgumentException("Cannot find array '" + array + "' in " + src.name()
          + ": an .npy file has one array, named '" + ARRAY + "'");
    }
  }
}
