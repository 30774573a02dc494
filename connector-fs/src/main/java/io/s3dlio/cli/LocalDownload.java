package io.s3dlio.cli;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ParallelDownload;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;

/**
 * An object (or a byte range of it) downloaded to a local file by {@link ParallelDownload}
 * (concurrent ranged GETs written in place), into a hidden temporary file beside the target that is
 * renamed over it only when complete: a failed download leaves neither a partial target nor the
 * temporary file. Parent folders are created.
 */
final class LocalDownload {
  private LocalDownload() {
  }

  static long run(ObjectStore store, ObjectUri source, long offset, long length, Path target,
      ParallelDownload.Settings settings, LongConsumer progress) throws IOException {
    Path abs = target.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".part");
    try {
      long n;
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        n = new ParallelDownload(store, settings).toFile(source, offset, length, out, progress);
      }
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return n;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
