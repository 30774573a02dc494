package io.s3dlio.tfrecord.keys;

import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.tfrecord.codec.ExampleCodec;
import io.s3dlio.tfrecord.codec.MaskedCrc32c;
import io.s3dlio.tfrecord.codec.TfRecordFormatException;
import io.s3dlio.tfrecord.codec.TfRecordFraming;
import io.s3dlio.tfrecord.index.InputResolver;
import io.s3dlio.tfrecord.proto.Example;
import io.s3dlio.tfrecord.proto.Feature;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Random access to TFRecord {@code tf.train.Example}s by a key feature (string, int64 or float),
 * like Python's {@code TFRecordRandomAccess}, over files on any backend.
 *
 * <p>The index maps each key to (file, offset, length) and lives in a {@code .keyidx} file (format
 * in {@link KeyIndexFormat}) beside the data or at a chosen path. {@link #openOrBuild} reuses it
 * while every file has the same size and etag (or mtime when there is no etag) and the same files
 * are named, and rebuilds it otherwise or when asked. Duplicate keys: the first record wins (file
 * order, then offset) and the later ones are counted per file, or the build fails
 * ({@link DuplicatePolicy}).
 *
 * <p>A lookup reads exactly one record with one range GET and checks both of its CRCs and that
 * its length is the indexed one, so a file changed under the index is reported, not misread.
 * Thread-safe for lookups.
 */
public final class KeyIndex {
  private final StoreRegistry stores;
  private final ObjectUri location;
  private final KeyIndexFormat.Contents contents;
  private final List<ObjectUri> fileUris;
  private final boolean built;

  private KeyIndex(StoreRegistry stores, ObjectUri location, KeyIndexFormat.Contents contents, boolean built) {
    this.stores = stores;
    this.built = built;
    this.location = location;
    this.contents = contents;
    List<ObjectUri> uris = new ArrayList<>();
    for (SourceFile f : contents.files()) {
      uris.add(ObjectUri.parse(f.uri()));
    }
    this.fileUris = uris;
  }

  /** Loads a persisted index. */
  public static KeyIndex open(StoreRegistry stores, ObjectUri index) throws IOException {
    try (InputStream in = stores.storeFor(index).openRange(index, 0, -1)) {
      return new KeyIndex(stores, index, KeyIndexFormat.read(in, index.toString()), false);
    }
  }

  /**
   * The index of {@code inputs} (files, globs, prefixes) by {@code feature}: the one at
   * {@code index} (null: {@link #defaultLocation}) when it is fresh, otherwise built and
   * persisted there.
   */
  public static KeyIndex openOrBuild(StoreRegistry stores, List<String> inputs, String feature, ObjectUri index,
      BuildOptions options) throws IOException {
    List<ObjectStat> files = new InputResolver(stores).resolve(inputs);
    ObjectUri at = index == null ? defaultLocation(files, feature) : index;
    if (!options.rebuild()) {
      try {
        KeyIndex existing = open(stores, at);
        if (existing.feature().equals(feature) && existing.isFreshFor(files)) {
          return existing;
        }
      } catch (FileNotFoundException none) {
        // build below
      } catch (IOException damaged) {
        if (damaged.getMessage() == null || !damaged.getMessage().startsWith("Bad key index")) {
          throw damaged;
        }
      }
    }
    KeyIndexFormat.Contents c = new KeyIndexBuilder(stores, feature, options.type(), options.duplicates(),
        options.progress()).build(files);
    ObjectWriter w = stores.storeFor(at).openWriter(at);
    try {
      KeyIndexFormat.write(c, w);
    } catch (IOException | RuntimeException e) {
      w.abort();
      throw e;
    }
    w.close();
    return new KeyIndex(stores, at, c, true);
  }

  /**
   * Where an index goes by default: {@code <file>.<feature>.keyidx} for one file, else
   * {@code <folder of the first file>/<feature>.keyidx} (characters other than letters, digits,
   * '.', '-' and '_' in the feature name become '_').
   */
  public static ObjectUri defaultLocation(List<ObjectStat> files, String feature) {
    String f = feature.replaceAll("[^A-Za-z0-9._-]", "_");
    ObjectUri first = files.get(0).uri();
    if (files.size() == 1) {
      return first.withKey(first.key() + "." + f + ".keyidx");
    }
    String k = first.key();
    return first.withKey(k.substring(0, k.lastIndexOf('/') + 1) + f + ".keyidx");
  }

  /** Whether {@code now} names the same files, each unchanged, as when the index was built. */
  public boolean isFreshFor(List<ObjectStat> now) {
    if (now.size() != contents.files().size()) {
      return false;
    }
    for (int i = 0; i < now.size(); i++) {
      if (!contents.files().get(i).sameAs(now.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Whether every indexed file is still there, unchanged (one stat each). */
  public boolean isFresh() throws IOException {
    List<ObjectStat> now = new ArrayList<>();
    for (ObjectUri u : fileUris) {
      try {
        now.add(stores.storeFor(u).stat(u));
      } catch (FileNotFoundException gone) {
        return false;
      }
    }
    return isFreshFor(now);
  }

  /** Whether this index was built (rather than loaded) by the call that returned it. */
  public boolean wasBuilt() {
    return built;
  }

  /** Where the index is stored. */
  public ObjectUri location() {
    return location;
  }

  public String feature() {
    return contents.feature();
  }

  public KeyType keyType() {
    return contents.type();
  }

  /** The key a command-line string names (see {@link KeyType#parseKey}). */
  public Object parseKey(String text) {
    return contents.type().parseKey(text);
  }

  public boolean contains(Object key) {
    return contents.entries().containsKey(key);
  }

  /** The keys, in the order first seen. */
  public Set<Object> keys() {
    return Collections.unmodifiableSet(contents.entries().keySet());
  }

  /** Distinct keys. */
  public long size() {
    return contents.entries().size();
  }

  /** Where a key's record lies, or null. */
  public RecordLocation locate(Object key) {
    return contents.entries().get(key);
  }

  /** The file a location points into. */
  public ObjectUri file(RecordLocation loc) {
    return fileUris.get(loc.file());
  }

  public KeyIndexStats stats() {
    return new KeyIndexStats(contents.feature(), contents.type(), size(), contents.files());
  }

  /** The payload of the record with this key (one range GET), or null when the key is not indexed. */
  public byte[] getRaw(Object key) throws IOException {
    RecordLocation loc = locate(key);
    return loc == null ? null : read(loc);
  }

  /** The Example with this key, or null. */
  public Example get(Object key) throws IOException {
    RecordLocation loc = locate(key);
    if (loc == null) {
      return null;
    }
    return ExampleCodec.decodeExample(read(loc), file(loc).toString(), loc.offset());
  }

  /** One feature of the Example with this key; null when the key is not indexed or the Example lacks it. */
  public Feature getFeature(Object key, String name) throws IOException {
    Example e = get(key);
    return e == null ? null : e.getFeatures().getFeatureMap().get(name);
  }

  /** Reads and checks the framed record at {@code loc} with one range GET; returns its payload. */
  public byte[] read(RecordLocation loc) throws IOException {
    ObjectUri uri = file(loc);
    String name = uri.toString();
    int framed = loc.length() + TfRecordFraming.OVERHEAD;
    byte[] b;
    try {
      b = stores.storeFor(uri).getRange(uri, loc.offset(), framed);
    } catch (java.io.EOFException e) {
      b = new byte[0];
    }
    if (b.length < framed) {
      throw stale(name, loc, "the file now ends " + (framed - b.length) + " bytes before the end of the record");
    }
    long len;
    try {
      len = TfRecordFraming.checkHeader(b, 0, name, loc.offset(), false, true);
    } catch (TfRecordFormatException e) {
      throw stale(name, loc, e.getMessage());
    }
    if (len != loc.length()) {
      throw stale(name, loc, "the record there now has " + len + " payload bytes, the index says " + loc.length());
    }
    int stored = TfRecordFraming.readIntLe(b, TfRecordFraming.HEADER_SIZE + loc.length());
    if (stored != MaskedCrc32c.of(b, TfRecordFraming.HEADER_SIZE, loc.length())) {
      throw stale(name, loc, "data CRC mismatch");
    }
    return java.util.Arrays.copyOfRange(b, TfRecordFraming.HEADER_SIZE, TfRecordFraming.HEADER_SIZE + loc.length());
  }

  private IOException stale(String name, RecordLocation loc, String why) {
    return new IOException("Cannot read the record at byte " + loc.offset() + " of " + name + " through key index "
        + location + " (rebuild it if the file changed): " + why);
  }

  /**
   * Options of {@link #openOrBuild}.
   *
   * @param type key type, or null to take it from the first record
   * @param duplicates duplicate-key policy
   * @param rebuild build even when a fresh index exists
   * @param progress build progress, or null
   */
  public record BuildOptions(KeyType type, DuplicatePolicy duplicates, boolean rebuild, BuildProgress progress) {
    public static final BuildOptions DEFAULT = new BuildOptions(null, DuplicatePolicy.FIRST_WINS, false, null);

    public BuildOptions withRebuild(boolean v) {
      return new BuildOptions(type, duplicates, v, progress);
    }

    public BuildOptions withDuplicates(DuplicatePolicy p) {
      return new BuildOptions(type, p, rebuild, progress);
    }

    public BuildOptions withProgress(BuildProgress p) {
      return new BuildOptions(type, duplicates, rebuild, p);
    }

    public BuildOptions withType(KeyType t) {
      return new BuildOptions(t, duplicates, rebuild, progress);
    }
  }
}
