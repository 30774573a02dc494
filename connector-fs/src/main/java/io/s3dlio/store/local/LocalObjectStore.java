package io.s3dlio.store.local;

import io.s3dlio.store.DeleteFailure;
import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ListingPages;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.StoreErrors;
import io.s3dlio.store.StoreException;
import io.s3dlio.store.WriteOptions;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code file://} and {@code direct://} stores: a key is an absolute path.
 *
 * <p>Object semantics on a filesystem: parent directories are created on write; a write goes to a
 * hidden temporary file in the same directory that is renamed over the target only when complete
 * (readers never see a partial file; an aborted write leaves nothing); a conditional create
 * publishes with a hard link, which fails atomically when the target exists. Listing walks the
 * tree lazily, one directory level in memory per depth, in key order. The etag is a digest of
 * inode, size and modification time, so it changes whenever a write replaces the file.
 */
final class LocalObjectStore implements ObjectStore {
  static final String TMP_MARK = ".s3dlio-tmp-";

  private final ObjectUri.Scheme scheme;
  private final LocalStoreConfig config;
  private final LocalIo io;

  LocalObjectStore(ObjectUri.Scheme scheme, LocalStoreConfig config) {
    this.scheme = scheme;
    this.config = config;
    if (scheme != ObjectUri.Scheme.DIRECT) {
      this.io = new BufferedIo();
    } else if (config.directFallback() == LocalStoreConfig.DirectFallback.BUFFERED) {
      this.io = new FallbackIo(new DirectIo(config.directBufferSize()), new BufferedIo());
    } else {
      this.io = new DirectIo(config.directBufferSize());
    }
  }

  @Override
  public ObjectUri.Scheme scheme() {
    return scheme;
  }

  private Path path(ObjectUri uri) {
    if (uri.scheme() != scheme) {
      throw new IllegalArgumentException("Cannot use " + uri + " with the " + scheme.id() + ":// store");
    }
    return Path.of(uri.key());
  }

  @Override
  public byte[] get(ObjectUri uri) throws IOException {
    long size = regularFileSize("get", uri);
    if (size > Integer.MAX_VALUE - 8) {
      throw new StoreException(StoreErrors.message("get", uri, "object of " + size + " bytes is too large for one array; use openRange"), null);
    }
    return size == 0 ? new byte[0] : readChecked("get", uri, 0, (int) size);
  }

  @Override
  public byte[] getRange(ObjectUri uri, long offset, int length) throws IOException {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("Cannot read " + uri + " at offset " + offset + " length " + length);
    }
    long size = regularFileSize("read", uri);
    if (length == 0) {
      return new byte[0];
    }
    if (offset >= size) {
      throw new EOFException(StoreErrors.message("read", uri, "offset " + offset + " is at or past the end (size " + size + ")"));
    }
    return readChecked("read", uri, offset, (int) Math.min(length, size - offset));
  }

  private byte[] readChecked(String op, ObjectUri uri, long offset, int length) throws IOException {
    try {
      return io.read(path(uri), offset, length);
    } catch (IOException e) {
      throw translate(op, uri, e);
    }
  }

  @Override
  public InputStream openRange(ObjectUri uri, long offset, long length) throws IOException {
    long size = regularFileSize("open", uri);
    if (offset < 0 || (offset > 0 && offset >= size)) {
      throw new EOFException(StoreErrors.message("open", uri, "offset " + offset + " is at or past the end (size " + size + ")"));
    }
    long len = length < 0 ? size - offset : Math.min(length, size - offset);
    try {
      return io.open(path(uri), offset, len);
    } catch (IOException e) {
      throw translate("open", uri, e);
    }
  }

  /** {@code file://} only: {@code direct://} reads bypass the page cache, which a mapping reads through. */
  @Override
  public boolean canMapRanges() {
    return scheme == ObjectUri.Scheme.FILE;
  }

  @Override
  public ByteBuffer mapRange(ObjectUri uri, long offset, long length) throws IOException {
    if (!canMapRanges()) {
      return ObjectStore.super.mapRange(uri, offset, length);
    }
    if (offset < 0 || length < 0 || length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("Cannot map " + uri + " at offset " + offset + " length " + length
          + " (one mapping holds at most " + Integer.MAX_VALUE + " bytes)");
    }
    regularFileSize("map", uri); // a missing file or a directory: FileNotFoundException naming it
    if (length == 0) {
      return ByteBuffer.allocate(0);
    }
    try (FileChannel ch = FileChannel.open(path(uri), StandardOpenOption.READ)) {
      long size = ch.size();
      if (offset >= size) {
        throw new EOFException(StoreErrors.message("map", uri, "offset " + offset + " is at or past the end (size "
            + size + ")"));
      }
      // the mapping stays valid after the channel is closed
      return ch.map(FileChannel.MapMode.READ_ONLY, offset, Math.min(length, size - offset));
    } catch (IOException e) {
      throw translate("map", uri, e);
    }
  }

  @Override
  public void put(ObjectUri uri, byte[] data, WriteOptions options) throws IOException {
    try (ObjectWriter w = openWriter(uri, options)) {
      w.write(data);
    }
  }

  @Override
  public ObjectWriter openWriter(ObjectUri uri, WriteOptions options) throws IOException {
    Path target = path(uri);
    if (uri.key().endsWith("/")) {
      throw new IOException(StoreErrors.message("write", uri, "a key that ends with '/' names a directory"));
    }
    if (options.ifNoneMatch() && Files.exists(target)) {
      throw new FileAlreadyExistsException(StoreErrors.message("create", uri, "object exists"));
    }
    try {
      Files.createDirectories(target.getParent());
      Path tmp = target.resolveSibling("." + target.getFileName() + TMP_MARK + UUID.randomUUID());
      return new LocalWriter(uri, target, tmp, io.create(tmp, config.fsync()), options.ifNoneMatch());
    } catch (IOException e) {
      throw translate("write", uri, e);
    }
  }

  @Override
  public ObjectStat stat(ObjectUri uri) throws IOException {
    Path p = path(uri);
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      if (a.isDirectory()) {
        throw new FileNotFoundException(StoreErrors.message("stat", uri, "is a directory, not an object"));
      }
      return stat(uri, a);
    } catch (IOException e) {
      throw translate("stat", uri, e);
    }
  }

  static ObjectStat stat(ObjectUri uri, BasicFileAttributes a) {
    String etag = Integer.toHexString(String.valueOf(a.fileKey()).hashCode()) + "-" + Long.toHexString(a.size())
        + "-" + Long.toHexString(a.lastModifiedTime().toInstant().getEpochSecond() * 1_000_000_000L
            + a.lastModifiedTime().toInstant().getNano());
    return new ObjectStat(uri, a.size(), a.lastModifiedTime().toInstant(), etag);
  }

  private long regularFileSize(String op, ObjectUri uri) throws IOException {
    return stat(uri).size();
  }

  @Override
  public java.util.Iterator<ObjectEntry> list(ObjectUri prefix, ListOptions options) throws IOException {
    if (!options.isRecursive() && !options.delimiter().equals("/")) {
      throw new IllegalArgumentException("Cannot list " + prefix + " with delimiter '" + options.delimiter()
          + "': local stores list by directory, so only '/' is supported");
    }
    path(prefix);
    return new LocalListing(prefix, options.isRecursive());
  }

  @Override
  public void delete(ObjectUri uri) throws IOException {
    try {
      Files.deleteIfExists(path(uri));
    } catch (DirectoryNotEmptyException e) {
      throw new StoreException(StoreErrors.message("delete", uri, "is a non-empty directory"), e);
    } catch (IOException e) {
      throw translate("delete", uri, e);
    }
  }

  @Override
  public List<DeleteFailure> deleteAll(List<ObjectUri> uris) {
    List<DeleteFailure> failures = new ArrayList<>();
    for (ObjectUri u : uris) {
      try {
        delete(u);
      } catch (IOException e) {
        failures.add(new DeleteFailure(u, e.getMessage()));
      }
    }
    return failures;
  }

  @Override
  public int bulkDeletePageSize() {
    return 1000;
  }

  @Override
  public void copy(ObjectUri source, ObjectUri target) throws IOException {
    stat(source);
    try (InputStream in = openRange(source, 0, -1); ObjectWriter out = openWriter(target)) {
      in.transferTo(out);
    }
  }

  @Override
  public boolean supportsConditionalCreate() {
    return true;
  }

  @Override
  public void close() {
  }

  static IOException translate(String op, Object uri, IOException e) {
    if (e instanceof NoSuchFileException) {
      return withCause(new FileNotFoundException(StoreErrors.message(op, uri, "no such file")), e);
    }
    if (e instanceof FileNotFoundException || e instanceof EOFException || e instanceof StoreException
        || e instanceof FileAlreadyExistsException) {
      return e;
    }
    if (e instanceof AccessDeniedException) {
      return new AccessDeniedException(String.valueOf(uri), null, StoreErrors.message(op, uri, "permission denied"));
    }
    String m = String.valueOf(e.getMessage());
    if (FallbackIo.isDirectRefused(e) && String.valueOf(uri).startsWith("direct:")) {
      return new StoreException(StoreErrors.message(op, uri, "the filesystem refused O_DIRECT (tmpfs and some"
          + " FUSE/network filesystems do); use file:// or set direct.fallback=buffered"), e);
    }
    return new StoreException(StoreErrors.message(op, uri, StoreErrors.rootCause(e)), e);
  }

  private static <T extends Throwable> T withCause(T t, Throwable cause) {
    t.initCause(cause);
    return t;
  }

  /** Writes a hidden temporary file, published by rename (or hard link for create-new) at close. */
  private final class LocalWriter extends ObjectWriter {
    private final ObjectUri uri;
    private final Path target;
    private final Path tmp;
    private final OutputStream out;
    private final boolean createNew;
    private long written;
    private boolean done;

    LocalWriter(ObjectUri uri, Path target, Path tmp, OutputStream out, boolean createNew) {
      this.uri = uri;
      this.target = target;
      this.tmp = tmp;
      this.out = out;
      this.createNew = createNew;
    }

    @Override
    public void write(int b) throws IOException {
      ensureOpen();
      out.write(b);
      written++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      ensureOpen();
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        abort();
        throw translate("write", uri, e);
      }
      written += len;
    }

    private void ensureOpen() throws IOException {
      if (done) {
        throw new IOException(StoreErrors.message("write", uri, "writer is closed or aborted"));
      }
    }

    @Override
    public long bytesWritten() {
      return written;
    }

    @Override
    public void abort() throws IOException {
      if (done) {
        return;
      }
      done = true;
      try {
        out.close();
      } catch (IOException ignored) {
        // discarding anyway
      } finally {
        Files.deleteIfExists(tmp);
      }
    }

    @Override
    public void close() throws IOException {
      if (done) {
        return;
      }
      done = true;
      try {
        out.close();
        if (createNew) {
          try {
            Files.createLink(target, tmp);
          } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(StoreErrors.message("create", uri, "object exists"));
          } catch (UnsupportedOperationException e) {
            // no hard links here: check-then-move is the best this filesystem offers
            if (Files.exists(target)) {
              throw new FileAlreadyExistsException(StoreErrors.message("create", uri, "object exists"));
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
          }
        } else {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException e) {
        throw translate("write", uri, e);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Lazy depth-first walk in key order; one directory level in memory per depth. */
  private final class LocalListing implements java.util.Iterator<ObjectEntry>, ListingPages {
    private final ObjectUri prefix;
    private final boolean recursive;
    private final String namePrefix;
    private final java.util.ArrayDeque<java.util.Iterator<Child>> stack = new java.util.ArrayDeque<>();
    private ObjectEntry next;
    /** Directory reads so far (a listing's "pages" on local disk). */
    private final Count pageCount = new Count();

    LocalListing(ObjectUri prefix, boolean recursive) {
      this.prefix = prefix;
      this.recursive = recursive;
      String key = prefix.key();
      int slash = key.lastIndexOf('/');
      this.namePrefix = key.substring(slash + 1);
      Path dir = Path.of(key.substring(0, slash + 1));
      stack.push(children(dir, namePrefix).iterator());
    }

    private List<Child> children(Path dir, String startsWith) {
      List<Child> out = new ArrayList<>();
      if (!Files.isDirectory(dir)) {
        pageCount.fetched(0);
        return out;
      }
      try (var ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          String name = p.getFileName().toString();
          if (!name.startsWith(startsWith) || name.contains(TMP_MARK)) {
            continue;
          }
          try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            out.add(new Child(p, name + (a.isDirectory() ? "/" : ""), a));
          } catch (NoSuchFileException gone) {
            // deleted while listing
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(translate("list", prefix, e));
      }
      out.sort((x, y) -> x.sortKey.compareTo(y.sortKey));
      pageCount.fetched(out.size());
      return out;
    }

    @Override
    public Count pageCount() {
      return pageCount;
    }

    @Override
    public boolean hasNext() {
      while (next == null && !stack.isEmpty()) {
        java.util.Iterator<Child> top = stack.peek();
        if (!top.hasNext()) {
          stack.pop();
          continue;
        }
        Child c = top.next();
        String path = c.path.toString();
        if (c.attrs.isDirectory()) {
          if (recursive) {
            stack.push(children(c.path, "").iterator());
          } else {
            next = ObjectEntry.prefix(ObjectUri.local(scheme, path + "/"));
          }
        } else {
          next = ObjectEntry.object(stat(ObjectUri.local(scheme, path), c.attrs));
        }
      }
      return next != null;
    }

    @Override
    public ObjectEntry next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      ObjectEntry e = next;
      next = null;
      return e;
    }
  }

  private record Child(Path path, String sortKey, BasicFileAttributes attrs) {
  }
}
