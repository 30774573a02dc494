package io.s3dlio.fs;

import static io.s3dlio.store.config.ConfigKey.Type.BOOLEAN;
import static io.s3dlio.store.config.ConfigKey.Type.INT;
import static io.s3dlio.store.config.ConfigKey.Type.SIZE;
import static io.s3dlio.store.config.ConfigKey.Type.STRING;

import io.s3dlio.store.config.ConfigKey;
import io.s3dlio.store.config.ConfigKeySource;
import io.s3dlio.store.config.ConfigSection;
import java.util.List;

/** The Hadoop FileSystem's own keys, defined once ({@link FsConstants} names them for the code). */
public final class FsKeys implements ConfigKeySource {
  static final ConfigKey READ_POLICY = ConfigKey.of("fs.s3dlio.read.policy", STRING, "adaptive",
      "read policy of `open()`: `sequential`, `random`, `adaptive` (sequential until the first backward seek), `vector`, `whole-file`; `openFile()` takes `fs.option.openfile.read.policy` per file");
  static final ConfigKey READAHEAD = ConfigKey.of("fs.s3dlio.readahead", SIZE, "64k",
      "smallest GET of a random read, and how far a seek may skip forward inside an open GET");
  static final ConfigKey BLOCK_SIZE = ConfigKey.of("fs.s3dlio.block.size", SIZE, "128m",
      "block size reported in FileStatus (the split size of input formats)");
  static final ConfigKey VECTORED_MIN_SEEK = ConfigKey.of("fs.s3dlio.vectored.min-seek", SIZE, "1m",
      "vectored reads: ranges closer than this are merged into one GET, the gap read and dropped (as S3A's default stream, whose request coalescing tolerance is 1 MiB; S3A classic's `fs.s3a.vectored.read.min.seek.size` is 4k)");
  static final ConfigKey VECTORED_MAX_MERGED = ConfigKey.of("fs.s3dlio.vectored.max-merged", SIZE, "8m",
      "vectored reads: largest merged GET (as S3A's default stream, whose target request size is 8 MiB; S3A classic's `fs.s3a.vectored.read.max.merged.size` is 1m)");
  static final ConfigKey VECTORED_CONCURRENCY = ConfigKey.of("fs.s3dlio.vectored.concurrency", INT, "8",
      "vectored reads: merged ranges fetched at once by one `readVectored` call (as S3A's `fs.s3a.vectored.active.ranged.reads`)");
  static final ConfigKey PREFETCH_DEPTH = ConfigKey.of("fs.s3dlio.prefetch.depth", INT, "0",
      "sequential reads of remote objects (policies sequential, whole-file, adaptive): 0, the default, reads with one long GET; N > 0 keeps N ranged GETs in flight per stream, parts from 1 MiB doubling up to `fs.s3dlio.prefetch.part-size` (off by default: slower than one GET on the S3 test server, see performance.md)");
  static final ConfigKey PREFETCH_PART_SIZE = ConfigKey.of("fs.s3dlio.prefetch.part-size", SIZE, "8m",
      "largest part of the sequential read-ahead (memory per open stream: at most depth × part size)");
  static final ConfigKey THREADS = ConfigKey.of("fs.s3dlio.threads", INT, "16",
      "threads per FileSystem instance fetching vectored ranges and read-ahead parts, and copying during rename")
      .env("S3DLIO_RT_THREADS");
  static final ConfigKey LIST_PAGE_SIZE = ConfigKey.of("fs.s3dlio.list.page-size", INT, "1000", "page size of listings");
  static final ConfigKey LOCAL_CHECKSUM = ConfigKey.of("fs.s3dlio.file.checksum", BOOLEAN, "false",
      "`file://` through `S3dlioLocalFileSystem`: write and verify LocalFileSystem's `.crc` sidecar files");

  @Override
  public int order() {
    return 10;
  }

  @Override
  public List<ConfigSection> sections() {
    return List.of(new ConfigSection("Hadoop FileSystem (fs.s3dlio.*)",
        "Set in the Hadoop Configuration (`spark.hadoop.fs.s3dlio.*` in Spark). Every store key above is also read "
            + "as `fs.s3dlio.<key>`, and per bucket as `fs.s3dlio.bucket.<bucket>.<key>` (for `az://` the bucket is the "
            + "account); secret keys also through Hadoop credential providers. See [Hadoop FileSystem](hadoop-fs.md).",
        List.of(READ_POLICY, READAHEAD, BLOCK_SIZE, VECTORED_MIN_SEEK, VECTORED_MAX_MERGED, VECTORED_CONCURRENCY,
            PREFETCH_DEPTH, PREFETCH_PART_SIZE, THREADS, LIST_PAGE_SIZE, LOCAL_CHECKSUM)));
  }
}
