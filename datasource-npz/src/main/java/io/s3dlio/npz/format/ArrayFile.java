package io.s3dlio.npz.format;

import java.io.IOException;
import java.util.List;

/**
 * Named arrays in one file: the members of an .npz ({@link NpzReader}) or the one array of an
 * .npy ({@link NpyFile}). Headers are read on demand and cached; data is fetched only for the
 * arrays asked for.
 */
public interface ArrayFile {

  /** The file, for messages. */
  String name();

  /** Array names in file order (.npz member names without the ".npy" suffix). */
  List<String> arrayNames();

  /** The header of one array. */
  NpyHeader header(String array) throws IOException;

  /** The whole array, decoded. */
  NpyArray read(String array) throws IOException;

  /**
   * Whether {@link #readRows} can fetch part of the array by byte range: stored (not compressed),
   * C order, at least one dimension.
   */
  boolean canReadRows(String array) throws IOException;

  /**
   * Rows {@code [first, first + count)} along axis 0, fetched by one ranged read.
   *
   * @throws IllegalStateException when {@link #canReadRows} is false
   */
  NpyArray readRows(String array, long first, long count) throws IOException;

  /** What was fetched so far. */
  RangeSource source();
}
