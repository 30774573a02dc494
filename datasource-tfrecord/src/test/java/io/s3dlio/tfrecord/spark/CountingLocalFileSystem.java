package io.s3dlio.tfrecord.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathFilter;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local disk under the scheme {@code countfs://}, counting the listing calls Spark makes and
 * recording the value of {@link #MARKER} in the Hadoop configuration of every instance (to see
 * which configuration reached the FileSystem). Register with {@code fs.countfs.impl}; with
 * {@code fs.countfs.impl.disable.cache=true} every lookup makes a new instance.
 */
public final class CountingLocalFileSystem extends RawLocalFileSystem {
  /** The configuration key whose value each instance records. */
  public static final String MARKER = "s3dlio.test.marker";

  public static final AtomicLong LIST_STATUS = new AtomicLong();
  public static final AtomicLong GLOB_STATUS = new AtomicLong();
  public static final List<String> MARKERS_SEEN = new CopyOnWriteArrayList<>();

  public static void reset() {
    LIST_STATUS.set(0);
    GLOB_STATUS.set(0);
    MARKERS_SEEN.clear();
  }

  @Override
  public void initialize(URI uri, Configuration conf) throws IOException {
    super.initialize(uri, conf);
    MARKERS_SEEN.add(String.valueOf(conf.get(MARKER)));
  }

  @Override
  public URI getUri() {
    return URI.create("countfs:///");
  }

  @Override
  public String getScheme() {
    return "countfs";
  }

  @Override
  public FileStatus[] listStatus(Path f) throws FileNotFoundException, IOException {
    LIST_STATUS.incrementAndGet();
    return super.listStatus(f);
  }

  @Override
  public FileStatus[] globStatus(Path pathPattern) throws IOException {
    GLOB_STATUS.incrementAndGet();
    return super.globStatus(pathPattern);
  }

  @Override
  public FileStatus[] globStatus(Path pathPattern, PathFilter filter) throws IOException {
    GLOB_STATUS.incrementAndGet();
    return super.globStatus(pathPattern, filter);
  }
}
