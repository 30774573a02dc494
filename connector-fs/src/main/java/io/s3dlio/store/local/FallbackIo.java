package io.s3dlio.store.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * {@code direct.fallback=buffered}: O_DIRECT where the filesystem accepts it, page-cache I/O where
 * it refuses the open (EINVAL, as tmpfs does). Only the refusal of O_DIRECT falls back; every
 * other error is thrown as it is.
 */
final class FallbackIo implements LocalIo {
  private final LocalIo direct;
  private final LocalIo buffered;

  FallbackIo(LocalIo direct, LocalIo buffered) {
    this.direct = direct;
    this.buffered = buffered;
  }

  static boolean isDirectRefused(IOException e) {
    return String.valueOf(e.getMessage()).contains("Invalid argument");
  }

  @Override
  public byte[] read(Path file, long offset, int length) throws IOException {
    try {
      return direct.read(file, offset, length);
    } catch (IOException e) {
      if (isDirectRefused(e)) {
        return buffered.read(file, offset, length);
      }
      throw e;
    }
  }

  @Override
  public InputStream open(Path file, long offset, long length) throws IOException {
    try {
      return direct.open(file, offset, length);
    } catch (IOException e) {
      if (isDirectRefused(e)) {
        return buffered.open(file, offset, length);
      }
      throw e;
    }
  }

  @Override
  public OutputStream create(Path file, boolean fsync) throws IOException {
    try {
      return direct.create(file, fsync);
    } catch (IOException e) {
      if (isDirectRefused(e)) {
        java.nio.file.Files.deleteIfExists(file);
        return buffered.create(file, fsync);
      }
      throw e;
    }
  }
}
