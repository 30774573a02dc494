package io.s3dlio.tfrecord.index;

import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.tfrecord.codec.Compression;
import io.s3dlio.tfrecord.codec.TfRecordFraming;
import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Creates and validates DALI TFRecord indexes ({@code <offset> <size>\n} per record) on any
 * backend. The output is byte-identical to DALI's {@code tools/tfrecord2idx} for every well-formed
 * uncompressed file; unlike that tool, a truncated or (by default) length-corrupt file is an
 * error naming the offset, and nothing is written: the index is streamed to the store's writer,
 * which commits only on success (temp file + rename locally, a multipart upload on S3).
 */
public final class DaliIndexer {
  private final StoreRegistry stores;

  public DaliIndexer(StoreRegistry stores) {
    this.stores = stores;
  }

  /** The default index location: the data URI with ".idx" appended. */
  public static ObjectUri defaultIndexUri(ObjectUri data) {
    return data.withKey(data.key() + ".idx");
  }

  /** Indexes {@code data} into {@code index} (null: {@link #defaultIndexUri}). */
  public IndexResult index(ObjectUri data, ObjectUri index, IndexOptions options) throws IOException {
    ObjectUri out = index == null ? defaultIndexUri(data) : index;
    ObjectStore src = stores.storeFor(data);
    ObjectStore dst = stores.storeFor(out);
    ObjectStat stat = src.stat(data);
    Compression c = compression(src, data, stat.size());
    if (c != Compression.NONE && !options.decompressed()) {
      throw new IOException("Cannot index " + data + ": it is " + c + "-compressed, and DALI reads index offsets as"
          + " positions in the raw file, so an index of it would be unusable (decompress the file first, or index"
          + " the decompressed stream with the decompressed option)");
    }
    if (!options.overwrite()) {
      try {
        dst.stat(out);
        throw new FileAlreadyExistsException(out.toString(), null, "index exists (use --force to replace it)");
      } catch (FileNotFoundException expected) {
        // fine: nothing to replace
      }
    }
    ObjectWriter writer = dst.openWriter(out);
    long[] count = new long[1];
    long bytes;
    try {
      OutputStream buffered = new BufferedOutputStream(writer, 64 * 1024);
      RecordSink lines = DaliIndexFormat.writer(buffered);
      bytes = scan(src, data, stat.size(), c, options, (o, s) -> {
        lines.record(o, s);
        count[0]++;
      });
      buffered.flush();
    } catch (IOException | RuntimeException | Error e) {
      try {
        writer.abort();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    writer.close();
    return new IndexResult(data, out, count[0], bytes, c);
  }

  /**
   * Scans {@code data} without writing anything, passing each record to {@code sink}.
   *
   * @return bytes covered
   */
  public long scan(ObjectUri data, IndexOptions options, RecordSink sink) throws IOException {
    ObjectStore src = stores.storeFor(data);
    long size = src.stat(data).size();
    Compression c = compression(src, data, size);
    if (c != Compression.NONE && !options.decompressed()) {
      throw new IOException("Cannot scan " + data + ": it is " + c + "-compressed");
    }
    return scan(src, data, size, c, options, sink);
  }

  private static long scan(ObjectStore src, ObjectUri data, long size, Compression c, IndexOptions options,
      RecordSink sink) throws IOException {
    String name = data.toString();
    if (c != Compression.NONE) {
      try (InputStream in = c.decompress(src.openRange(data, 0, -1))) {
        return new StreamHeaderScanner(in, name, options.verifyLengthCrc(), -1, true).scan(sink);
      } catch (java.util.zip.ZipException | java.io.EOFException e) {
        throw new IOException("Cannot index " + data + ": damaged " + c + " stream: " + e.getMessage(), e);
      }
    }
    if (size == 0) {
      return 0;
    }
    ScanMode mode = options.scanMode();
    if (mode == ScanMode.AUTO) {
      mode = data.scheme().isLocal() ? ScanMode.SEEK : ScanMode.STREAM;
    }
    switch (mode) {
      case SEEK:
        if (!data.scheme().isLocal()) {
          throw new IOException("Cannot scan " + data + " by seeking: only local files can be; use stream or ranged");
        }
        try (FileChannel ch = FileChannel.open(Path.of(data.key()), StandardOpenOption.READ)) {
          return new ChannelHeaderScanner(ch, name, options.verifyLengthCrc()).scan(sink);
        }
      case RANGED:
        return new RangedHeaderScanner(src, data, size, options.verifyLengthCrc()).scan(sink);
      default:
        try (InputStream in = src.openRange(data, 0, -1)) {
          return new StreamHeaderScanner(in, name, options.verifyLengthCrc(), size, false).scan(sink);
        }
    }
  }

  /** The compression of an object, from its first 12 bytes. */
  public static Compression compression(ObjectStore store, ObjectUri data, long size) throws IOException {
    if (size == 0) {
      return Compression.NONE;
    }
    byte[] head = store.getRange(data, 0, (int) Math.min(size, Compression.DETECT_BYTES));
    return Compression.detect(head, head.length);
  }

  /**
   * Checks that {@code index} describes {@code data}: offsets contiguous from 0, no record past
   * the end, sizes adding up to the file length, and the first and last headers declaring the
   * sizes the index gives them (two ranged reads).
   *
   * @return the number of entries
   * @throws StaleIndexException saying how the index and the file disagree
   */
  public long validate(ObjectUri data, ObjectUri index) throws IOException {
    ObjectStore src = stores.storeFor(data);
    ObjectStat stat = src.stat(data);
    DaliIndexValidator v = new DaliIndexValidator(index.toString(), data.toString(), stat.size());
    long[] firstLast = {-1, -1, -1, -1};
    try (InputStream in = stores.storeFor(index).openRange(index, 0, -1)) {
      DaliIndexFormat.read(in, index.toString(), (o, s) -> {
        v.record(o, s);
        if (firstLast[0] < 0) {
          firstLast[0] = o;
          firstLast[1] = s;
        }
        firstLast[2] = o;
        firstLast[3] = s;
      });
    }
    v.finish();
    for (int i = 0; i < 4 && firstLast[i] >= 0; i += 2) {
      byte[] h = src.getRange(data, firstLast[i], TfRecordFraming.HEADER_SIZE);
      long frame = TfRecordFraming.frameSize(
          TfRecordFraming.checkHeader(h, 0, data.toString(), firstLast[i], false, true));
      if (frame != firstLast[i + 1]) {
        throw new StaleIndexException("Stale DALI index " + index + " for " + data + ": the record at byte "
            + firstLast[i] + " is " + frame + " bytes but the index says " + firstLast[i + 1]);
      }
    }
    return v.entries();
  }
}
