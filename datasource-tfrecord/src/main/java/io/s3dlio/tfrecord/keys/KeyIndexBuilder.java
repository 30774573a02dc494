package io.s3dlio.tfrecord.keys;

import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.tfrecord.codec.Compression;
import io.s3dlio.tfrecord.codec.ExampleCodec;
import io.s3dlio.tfrecord.codec.ReaderOptions;
import io.s3dlio.tfrecord.codec.TfRecordReader;
import io.s3dlio.tfrecord.index.DaliIndexer;
import io.s3dlio.tfrecord.proto.Feature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the key → (file, offset, length) map over TFRecord files of {@code tf.train.Example}s by
 * reading every record once (CRCs checked). Every record must have the key feature with exactly
 * one value of the key type; otherwise the build fails naming the file and the record offset.
 * Compressed files are refused: a lookup must read a record with one range GET.
 */
public final class KeyIndexBuilder {
  private final StoreRegistry stores;
  private final String feature;
  private final KeyType requestedType;
  private final DuplicatePolicy duplicates;
  private final BuildProgress progress;

  /**
   * @param type the key type, or null to take it from the first record
   */
  public KeyIndexBuilder(StoreRegistry stores, String feature, KeyType type, DuplicatePolicy duplicates,
      BuildProgress progress) {
    this.stores = stores;
    this.feature = feature;
    this.requestedType = type;
    this.duplicates = duplicates;
    this.progress = progress == null ? BuildProgress.NONE : progress;
  }

  public KeyIndexFormat.Contents build(List<ObjectStat> files) throws IOException {
    Map<Object, RecordLocation> entries = new LinkedHashMap<>();
    List<SourceFile> sources = new ArrayList<>();
    KeyType type = requestedType;
    long records = 0;
    long bytes = 0;
    for (int fi = 0; fi < files.size(); fi++) {
      ObjectStat stat = files.get(fi);
      ObjectUri uri = stat.uri();
      String name = uri.toString();
      ObjectStore store = stores.storeFor(uri);
      Compression c = DaliIndexer.compression(store, uri, stat.size());
      if (c != Compression.NONE) {
        throw new IOException("Cannot build a key index over " + name + ": it is " + c + "-compressed, and a lookup"
            + " must read one record with one range GET (decompress the file first)");
      }
      long fileRecords = 0;
      long fileDups = 0;
      try (TfRecordReader r = TfRecordReader.open(store.openRange(uri, 0, -1), name,
          ReaderOptions.DEFAULT.withCompression(Compression.NONE))) {
        for (byte[] p = r.next(); p != null; p = r.next()) {
          long offset = r.lastOffset();
          Feature f = ExampleCodec.decodeExample(p, name, offset).getFeatures().getFeatureMap().get(feature);
          if (f == null) {
            throw new IOException("Cannot index key '" + feature + "': the record at byte " + offset + " of " + name
                + " has no such feature");
          }
          KeyType t = KeyType.of(f);
          if (type == null) {
            if (t == null) {
              throw new IOException("Cannot index key '" + feature + "': the record at byte " + offset + " of " + name
                  + " has it empty (no value)");
            }
            type = t;
          }
          if (t != type) {
            throw new IOException("Cannot index key '" + feature + "': the record at byte " + offset + " of " + name
                + " has it as " + (t == null ? "an empty feature" : t.name().toLowerCase(Locale.ROOT))
                + ", not " + type.name().toLowerCase(Locale.ROOT));
          }
          Object key = type.single(f);
          if (key instanceof String) {
            throw new IOException("Cannot index key '" + feature + "': in the record at byte " + offset + " of " + name
                + " it " + key);
          }
          RecordLocation loc = new RecordLocation(fi, offset, p.length);
          RecordLocation first = entries.putIfAbsent(key, loc);
          if (first != null) {
            if (duplicates == DuplicatePolicy.ERROR) {
              throw new IOException("Cannot index key '" + feature + "': duplicate key '" + type.format(key)
                  + "' in the record at byte " + offset + " of " + name + ", first seen at byte " + first.offset()
                  + " of " + files.get(first.file()).uri());
            }
            fileDups++;
          }
          fileRecords++;
          records++;
          if (records % BuildProgress.EVERY_RECORDS == 0) {
            progress.progress(fi, files.size(), records, bytes + r.position());
          }
        }
      }
      bytes += stat.size();
      sources.add(new SourceFile(name, stat.size(),
          stat.lastModified() == null ? -1 : stat.lastModified().toEpochMilli(), stat.etag(), fileRecords, fileDups));
      progress.progress(fi + 1, files.size(), records, bytes);
    }
    return new KeyIndexFormat.Contents(type == null ? KeyType.BYTES : type, feature, sources, entries);
  }
}
