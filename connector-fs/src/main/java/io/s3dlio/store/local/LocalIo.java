package io.s3dlio.store.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/** How bytes move between a local file and memory: through the page cache, or with O_DIRECT. */
interface LocalIo {

  /** Reads {@code length} bytes at {@code offset}; the caller has checked they exist. */
  byte[] read(Path file, long offset, int length) throws IOException;

  /** A stream of {@code length} bytes from {@code offset}; the caller has checked they exist. */
  InputStream open(Path file, long offset, long length) throws IOException;

  /** A new file's contents; the file is created (it must not exist). */
  OutputStream create(Path file, boolean fsync) throws IOException;
}
