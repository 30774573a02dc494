package io.s3dlio.tfrecord.index;

import java.util.Locale;

/** How the DALI indexer reaches the headers of a file. */
public enum ScanMode {
  /** {@link #SEEK} for local files (file://, direct://), {@link #STREAM} for object stores. */
  AUTO,
  /** Positional reads of a local file, seeking past large payloads ({@link ChannelHeaderScanner}). */
  SEEK,
  /** One streaming GET, skipping payloads ({@link StreamHeaderScanner}). */
  STREAM,
  /** One 12-byte ranged GET per record ({@link RangedHeaderScanner}). */
  RANGED;

  public static ScanMode parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Cannot use scan mode '" + s + "': expected auto, seek, stream or ranged", e);
    }
  }
}
