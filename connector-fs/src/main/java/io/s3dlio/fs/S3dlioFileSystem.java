package io.s3dlio.fs;

import io.s3dlio.fs.impl.BlobNamespace;
import io.s3dlio.fs.impl.ListingOperation;
import io.s3dlio.fs.impl.LocalNamespace;
import io.s3dlio.fs.impl.Namespace;
import io.s3dlio.fs.impl.StoreContext;
import io.s3dlio.fs.impl.StoreIOStatistics;
import io.s3dlio.fs.stream.LocalFileRangeSource;
import io.s3dlio.fs.stream.ObjectInputStream;
import io.s3dlio.fs.stream.ObjectOutputStream;
import io.s3dlio.fs.stream.RangeSource;
import io.s3dlio.fs.stream.ReadPolicy;
import io.s3dlio.fs.stream.StoreRangeSource;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.WriteOptions;
import io.s3dlio.store.metrics.MeteredObjectStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BulkDelete;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileChecksum;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Options.OpenFileOptions;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathIOException;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.EtagSource;
import org.apache.hadoop.fs.impl.AbstractFSBuilderImpl;
import org.apache.hadoop.fs.impl.OpenFileParameters;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsBinding;
import org.apache.hadoop.fs.store.EtagChecksum;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.util.LambdaUtils;
import org.apache.hadoop.util.Progressable;

/**
 * A Hadoop FileSystem over the s3dlio object stores: {@code s3://bucket}, {@code gs://bucket},
 * {@code az://account/container/...}, {@code direct:///} (O_DIRECT) and {@code file:///} (with
 * posix_fadvise). A thin facade: it qualifies paths, maps them to {@link ObjectUri}s, and
 * delegates namespace operations to a {@link Namespace} (directory markers on object stores, real
 * directories on local disk) and data to the streams of {@link io.s3dlio.fs.stream}. The store
 * translates errors (FileNotFoundException, EOFException, AccessDeniedException,
 * FileAlreadyExistsException) once, with messages naming the URI; this class adds the Hadoop path.
 *
 * <p>Semantics on object stores: rename is copy + delete and <b>not atomic</b>; a new file is
 * visible only when its stream is closed; no append, hflush or hsync; directories are {@code key/}
 * markers or common prefixes (as S3A). Where S3A 3.5.0 departs from the FileSystem specification
 * this class follows the specification (rename into a missing parent fails); see
 * {@code docs/hadoop-fs.md}. Configuration: see {@link FsConstants}.
 */
public abstract class S3dlioFileSystem extends FileSystem implements IOStatisticsSource {
  private ObjectUri.Scheme kind;
  private URI uri;
  private Path workingDir;
  private ObjectStore store;
  private ExecutorService executor;
  private Namespace namespace;
  private ListingOperation listing;
  private StoreContext ctx;
  private ReadPolicy defaultPolicy;
  private long readahead;
  private int minSeek;
  private int maxMerged;
  private long blockSize;
  private int vectoredConcurrency;
  private int prefetchDepth;
  private int prefetchPart;
  private IOStatistics ioStatistics;

  protected S3dlioFileSystem(ObjectUri.Scheme kind) {
    this.kind = kind;
  }

  /** {@code s3://bucket} (set {@code fs.s3.impl}; also registered through META-INF/services). */
  public static final class S3 extends S3dlioFileSystem {
    public S3() {
      super(ObjectUri.Scheme.S3);
    }
  }

  /** {@code gs://bucket} (set {@code fs.gs.impl}: core-default maps gs to the GCS connector). */
  public static final class Gs extends S3dlioFileSystem {
    public Gs() {
      super(ObjectUri.Scheme.GS);
    }
  }

  /** {@code az://account/container/path}. */
  public static final class Az extends S3dlioFileSystem {
    public Az() {
      super(ObjectUri.Scheme.AZ);
    }
  }

  /** {@code direct:///path}: local files with O_DIRECT. */
  public static final class Direct extends S3dlioFileSystem {
    public Direct() {
      super(ObjectUri.Scheme.DIRECT);
    }
  }

  /**
   * {@code file:///path} with posix_fadvise read hints: the raw FileSystem of
   * {@link S3dlioLocalFileSystem}, which is what {@code fs.file.impl} should name (set to this class
   * directly, {@link FileSystem#getLocal} fails: it casts to LocalFileSystem).
   */
  public static final class LocalFile extends S3dlioFileSystem {
    public LocalFile() {
      super(ObjectUri.Scheme.FILE);
    }
  }

  @Override
  public String getScheme() {
    return kind.id();
  }

  @Override
  public void initialize(URI name, Configuration conf) throws IOException {
    super.initialize(name, conf);
    setConf(conf);
    if (name.getScheme() != null && !name.getScheme().equalsIgnoreCase(kind.id())) {
      throw new IllegalArgumentException("Cannot serve " + name + " with the " + kind.id() + ":// FileSystem");
    }
    String authority = name.getAuthority();
    if (kind.isLocal()) {
      uri = URI.create(kind.id() + ":///");
    } else {
      if (authority == null || authority.isEmpty()) {
        throw new IllegalArgumentException("Cannot open " + name + ": missing "
            + (kind == ObjectUri.Scheme.AZ ? "storage account (az://account/container/path)" : "bucket"));
      }
      uri = URI.create(kind.id() + "://" + authority);
    }
    FsConfig config = FsConfig.resolve(conf, kind.isLocal() ? null : authority);
    defaultPolicy = ReadPolicy.parse(config.get(FsConstants.READ_POLICY, FsConstants.READ_POLICY_DEFAULT),
        ReadPolicy.ADAPTIVE);
    readahead = config.bytes(FsConstants.READAHEAD, FsConstants.READAHEAD_DEFAULT);
    minSeek = (int) config.bytes(FsConstants.VECTORED_MIN_SEEK, FsConstants.VECTORED_MIN_SEEK_DEFAULT);
    maxMerged = (int) config.bytes(FsConstants.VECTORED_MAX_MERGED, FsConstants.VECTORED_MAX_MERGED_DEFAULT);
    blockSize = config.bytes(FsConstants.BLOCK_SIZE, FsConstants.BLOCK_SIZE_DEFAULT);
    vectoredConcurrency = config.integer(FsConstants.VECTORED_CONCURRENCY, FsConstants.VECTORED_CONCURRENCY_DEFAULT);
    prefetchDepth = config.integer(FsConstants.PREFETCH_DEPTH, FsConstants.PREFETCH_DEPTH_DEFAULT);
    prefetchPart = (int) Math.min(1L << 30, config.bytes(FsConstants.PREFETCH_PART_SIZE,
        FsConstants.PREFETCH_PART_SIZE_DEFAULT));
    if (vectoredConcurrency < 1 || prefetchDepth < 0 || prefetchPart < 1) {
      throw new IllegalArgumentException("Bad read settings for " + name + ": " + FsConstants.VECTORED_CONCURRENCY
          + "=" + vectoredConcurrency + " (need >= 1), " + FsConstants.PREFETCH_DEPTH + "=" + prefetchDepth
          + " (need >= 0), " + FsConstants.PREFETCH_PART_SIZE + "=" + prefetchPart + " (need >= 1)");
    }
    int threads = config.integer(FsConstants.THREADS, FsConstants.THREADS_DEFAULT);
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "s3dlio-fs-" + kind.id() + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    executor = pool;
    store = ObjectStores.open(kind, config.storeConfig());
    ioStatistics = store instanceof MeteredObjectStore m && m.metrics() != null
        ? new StoreIOStatistics(m) : IOStatisticsBinding.emptyStatistics();
    String owner = UserGroupInformation.getCurrentUser().getShortUserName();
    ctx = new StoreContext(store, new StoreContext.PathMapper() {
      @Override
      public ObjectUri toUri(Path path) {
        return S3dlioFileSystem.this.toObjectUri(path);
      }

      @Override
      public Path toPath(ObjectUri u) {
        return S3dlioFileSystem.this.toPath(u);
      }
    }, owner, blockSize, config.integer(FsConstants.LIST_PAGE_SIZE, FsConstants.LIST_PAGE_SIZE_DEFAULT), executor);
    namespace = kind.isLocal() ? new LocalNamespace(ctx) : new BlobNamespace(ctx);
    listing = new ListingOperation(namespace, s -> getFileBlockLocations(s, 0, s.getLen()));
    workingDir = kind.isLocal()
        ? new Path(System.getProperty("user.dir")).makeQualified(uri, null)
        : new Path("/user", owner).makeQualified(uri, null);
  }

  @Override
  public URI getUri() {
    return uri;
  }

  @Override
  protected int getDefaultPort() {
    return -1;
  }

  @Override
  public String getCanonicalServiceName() {
    return null;
  }

  @Override
  public Path getWorkingDirectory() {
    return workingDir;
  }

  @Override
  public void setWorkingDirectory(Path dir) {
    workingDir = makeQualified(dir);
  }

  @Override
  public long getDefaultBlockSize() {
    return blockSize;
  }

  /** The object store under this FileSystem (for tests and tools). */
  public ObjectStore store() {
    return store;
  }

  // ---- paths ----

  /** The object URI of a path of this FileSystem (keys verbatim: no percent-encoding). */
  ObjectUri toObjectUri(Path path) {
    Path q = makeQualified(path);
    String p = q.toUri().getPath();
    if (p.isEmpty()) {
      p = "/";
    }
    if (kind.isLocal()) {
      return ObjectUri.local(kind, p);
    }
    if (kind == ObjectUri.Scheme.AZ && (p.equals("/") || p.isEmpty())) {
      throw new IllegalArgumentException("Cannot address " + q + ": an az:// path starts with a container"
          + " (az://account/container/path)");
    }
    return ObjectUri.parse(kind.id() + "://" + uri.getAuthority() + p);
  }

  Path toPath(ObjectUri u) {
    String key = u.key();
    if (key.endsWith("/") && key.length() > 1) {
      key = key.substring(0, key.length() - 1);
    }
    if (kind.isLocal()) {
      return new Path(kind.id(), null, key);
    }
    String p = kind == ObjectUri.Scheme.AZ ? "/" + u.container() + (key.isEmpty() ? "" : "/" + key) : "/" + key;
    return new Path(kind.id(), uri.getAuthority(), p);
  }

  private boolean isAccountRoot(Path qualified) {
    return kind == ObjectUri.Scheme.AZ && qualified.isRoot();
  }

  // ---- reads ----

  /**
   * The store operations of this FileSystem (counts, failures, durations, bytes, latency
   * percentiles; see {@link StoreIOStatistics}); empty when {@code fs.s3dlio.metrics.enabled=false}.
   */
  @Override
  public IOStatistics getIOStatistics() {
    return ioStatistics;
  }

  @Override
  public FSDataInputStream open(Path path, int bufferSize) throws IOException {
    return open(makeQualified(path), null, -1, defaultPolicy, 0);
  }

  private FSDataInputStream open(Path path, FileStatus hint, long lengthHint, ReadPolicy policy, long splitEnd)
      throws IOException {
    statistics.incrementReadOps(1);
    ObjectUri u = toObjectUri(path);
    long length;
    String etag = hint instanceof EtagSource e ? e.getEtag() : null;
    if (hint != null) {
      if (hint.isDirectory()) {
        throw new FileNotFoundException("Cannot open " + path + ": it is a directory");
      }
      length = hint.getLen();
    } else if (lengthHint >= 0) {
      length = lengthHint;
    } else {
      FileStatus st = namespace.status(path, u);
      if (st.isDirectory()) {
        throw new FileNotFoundException("Cannot open " + path + ": it is a directory");
      }
      length = st.getLen();
      etag = st instanceof EtagSource e ? e.getEtag() : null;
    }
    RangeSource source = kind == ObjectUri.Scheme.FILE
        ? new LocalFileRangeSource(u.key(), policy)
        : new StoreRangeSource(store, u, path.toString(), kind.isLocal() ? null : etag);
    return new FSDataInputStream(new ObjectInputStream(path.toString(), source, length,
        new ObjectInputStream.Options(policy, readahead, minSeek, maxMerged, splitEnd, vectoredConcurrency,
            prefetchDepth, prefetchPart), executor, statistics));
  }

  /** The openFile() options this FileSystem understands (besides the standard ones). */
  private static final Set<String> OPENFILE_KEYS = Set.of(FsConstants.READAHEAD);

  @Override
  protected CompletableFuture<FSDataInputStream> openFileWithOptions(Path rawPath, OpenFileParameters parameters)
      throws IOException {
    Set<String> known = new HashSet<>(OpenFileOptions.FS_OPTION_OPENFILE_STANDARD_OPTIONS);
    known.addAll(OPENFILE_KEYS);
    AbstractFSBuilderImpl.rejectUnknownMandatoryKeys(parameters.getMandatoryKeys(), known, "for " + rawPath);
    Path path = makeQualified(rawPath);
    Configuration o = parameters.getOptions();
    ReadPolicy policy = ReadPolicy.parse(o.get(OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY), defaultPolicy);
    long length = longOption(o, OpenFileOptions.FS_OPTION_OPENFILE_LENGTH, -1);
    long splitEnd = longOption(o, OpenFileOptions.FS_OPTION_OPENFILE_SPLIT_END, 0);
    FileStatus status = parameters.getStatus();
    // Any FileStatus is accepted (other FileSystems wrap or subclass it); only its length is used.
    return LambdaUtils.eval(new CompletableFuture<>(), () -> open(path, status, length, policy, splitEnd));
  }

  /**
   * A numeric openFile() option: integers, and floating-point values that Hadoop's builders
   * produce ("4096.0"); a value that is not a usable length is ignored (these are hints).
   */
  private static long longOption(Configuration o, String key, long def) {
    String v = o.getTrimmed(key);
    if (v == null || v.isEmpty()) {
      return def;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      try {
        double d = Double.parseDouble(v);
        return d >= 0 && d < 0x1p62 ? (long) d : def;
      } catch (NumberFormatException e2) {
        return def;
      }
    }
  }

  // ---- writes ----

  @Override
  public FSDataOutputStream create(Path rawPath, FsPermission permission, boolean overwrite, int bufferSize,
      short replication, long blockSize, Progressable progress) throws IOException {
    return create(makeQualified(rawPath), overwrite, false);
  }

  @Override
  public FSDataOutputStream createNonRecursive(Path rawPath, FsPermission permission, EnumSet<CreateFlag> flags,
      int bufferSize, short replication, long blockSize, Progressable progress) throws IOException {
    return create(makeQualified(rawPath), flags.contains(CreateFlag.OVERWRITE), true);
  }

  private FSDataOutputStream create(Path path, boolean overwrite, boolean parentMustExist) throws IOException {
    statistics.incrementWriteOps(1);
    if (isAccountRoot(path) || path.isRoot()) {
      throw new org.apache.hadoop.fs.FileAlreadyExistsException("Cannot create file " + path + ": it is the root");
    }
    ObjectUri u = toObjectUri(path);
    namespace.checkCreate(path, u, overwrite, parentMustExist);
    WriteOptions wo = !overwrite && store.supportsConditionalCreate() ? WriteOptions.createNew() : WriteOptions.DEFAULT;
    ObjectWriter w;
    try {
      w = store.openWriter(u, wo);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw new org.apache.hadoop.fs.FileAlreadyExistsException(path + ": " + e.getMessage());
    }
    return new FSDataOutputStream(new ObjectOutputStream(path.toString(), w), statistics);
  }

  @Override
  public FSDataOutputStream append(Path f, int bufferSize, Progressable progress) throws IOException {
    throw new UnsupportedOperationException("Append is not supported by " + kind.id() + ":// (" + f + ")");
  }

  // ---- namespace ----

  @Override
  public FileStatus getFileStatus(Path rawPath) throws IOException {
    statistics.incrementReadOps(1);
    Path path = makeQualified(rawPath);
    if (isAccountRoot(path)) {
      return ctx.dirStatus(path);
    }
    return namespace.status(path, toObjectUri(path));
  }

  @Override
  public boolean mkdirs(Path rawPath, FsPermission permission) throws IOException {
    statistics.incrementWriteOps(1);
    Path path = makeQualified(rawPath);
    if (isAccountRoot(path)) {
      return true;
    }
    return namespace.mkdirs(path, toObjectUri(path));
  }

  @Override
  public boolean delete(Path rawPath, boolean recursive) throws IOException {
    statistics.incrementWriteOps(1);
    Path path = makeQualified(rawPath);
    if (isAccountRoot(path)) {
      throw new PathIOException(path.toString(), "Cannot delete the storage account root");
    }
    return namespace.delete(path, toObjectUri(path), recursive);
  }

  /** Rename: atomic on local disk (rename(2)); copy + delete and NOT atomic on object stores. */
  @Override
  public boolean rename(Path rawSrc, Path rawDst) throws IOException {
    statistics.incrementWriteOps(1);
    Path src = makeQualified(rawSrc);
    Path dst = makeQualified(rawDst);
    if (isAccountRoot(src) || isAccountRoot(dst)) {
      return false;
    }
    return namespace.rename(src, toObjectUri(src), dst, toObjectUri(dst));
  }

  @Override
  public FileStatus[] listStatus(Path rawPath) throws IOException {
    RemoteIterator<FileStatus> it = listStatusIterator(rawPath);
    List<FileStatus> out = new ArrayList<>();
    while (it.hasNext()) {
      out.add(it.next());
    }
    return out.toArray(new FileStatus[0]);
  }

  @Override
  public RemoteIterator<FileStatus> listStatusIterator(Path rawPath) throws IOException {
    statistics.incrementReadOps(1);
    Path path = makeQualified(rawPath);
    if (isAccountRoot(path)) {
      throw new PathIOException(path.toString(), "Cannot list the containers of a storage account; list "
          + "az://account/container/ instead");
    }
    return namespace.listDirectory(path, toObjectUri(path));
  }

  @Override
  public RemoteIterator<LocatedFileStatus> listFiles(Path rawPath, boolean recursive) throws IOException {
    statistics.incrementReadOps(1);
    Path path = makeQualified(rawPath);
    return listing.listFiles(path, toObjectUri(path), getFileStatus(path), recursive);
  }

  @Override
  protected RemoteIterator<LocatedFileStatus> listLocatedStatus(Path f, org.apache.hadoop.fs.PathFilter filter)
      throws IOException {
    return listing.listLocatedStatus(listStatusIterator(f), filter);
  }

  /** The store's etag as a checksum on object stores; null on local disk (no content checksum). */
  @Override
  public FileChecksum getFileChecksum(Path f, long length) throws IOException {
    if (kind.isLocal()) {
      return null;
    }
    FileStatus st = getFileStatus(f);
    String etag = st instanceof EtagSource e ? e.getEtag() : null;
    return st.isFile() && etag != null && length >= st.getLen() ? new EtagChecksum(etag) : null;
  }

  @Override
  public BulkDelete createBulkDelete(Path base) throws IllegalArgumentException, IOException {
    Path b = makeQualified(base);
    return new ObjectBulkDelete(store, b, this::toObjectUri);
  }

  @Override
  public boolean hasPathCapability(Path path, String capability) throws IOException {
    switch (capability.toLowerCase(java.util.Locale.ROOT)) {
      case CommonPathCapabilities.ETAGS_AVAILABLE:
      case CommonPathCapabilities.BULK_DELETE:
      case CommonPathCapabilities.ABORTABLE_STREAM:
        return true;
      case CommonPathCapabilities.ETAGS_PRESERVED_IN_RENAME:
        return kind.isLocal();
      case CommonPathCapabilities.FS_APPEND:
      case CommonPathCapabilities.FS_CONCAT:
      case CommonPathCapabilities.FS_PERMISSIONS:
      case CommonPathCapabilities.FS_ACLS:
      case CommonPathCapabilities.FS_XATTRS:
      case CommonPathCapabilities.FS_SNAPSHOTS:
      case CommonPathCapabilities.FS_SYMLINKS:
      case CommonPathCapabilities.FS_TRUNCATE:
      case CommonPathCapabilities.FS_CHECKSUMS:
        return false;
      case CommonPathCapabilities.VIRTUAL_BLOCK_LOCATIONS:
        return !kind.isLocal();
      default:
        return super.hasPathCapability(path, capability);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      super.close();
    } finally {
      if (executor != null) {
        executor.shutdownNow();
      }
      if (store != null) {
        store.close();
      }
    }
  }

  @Override
  public String toString() {
    return "S3dlioFileSystem{" + uri + "}";
  }
}
