package io.s3dlio.loader.dataset;

import io.s3dlio.loader.FetchContext;
import io.s3dlio.loader.FieldSpec;
import io.s3dlio.loader.MapDataset;
import io.s3dlio.loader.Sample;
import io.s3dlio.loader.SampleException;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreRegistry;
import io.s3dlio.tfrecord.codec.MaskedCrc32c;
import io.s3dlio.tfrecord.codec.TfRecordFormatException;
import io.s3dlio.tfrecord.codec.TfRecordFraming;
import io.s3dlio.tfrecord.index.DaliIndexFormat;
import io.s3dlio.tfrecord.index.DaliIndexValidator;
import io.s3dlio.tfrecord.index.StaleIndexException;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The records of many TFRecord files as one map-style dataset: global index {@code i} is record
 * {@code i - start(f)} of file {@code f}, files in the order given (or key order under a prefix).
 * Where each record lies comes from the file's NVIDIA DALI index ({@code _index/<file>.idx} beside
 * the file, as the Spark writer leaves it, else {@code <file>.idx}, as DALI's tool does; or the
 * same name in an index folder), read once when the dataset opens; the records a batch needs are then
 * fetched with range GETs, neighbouring ones (gap at most {@code coalesceGap} bytes) in one
 * request of at most {@code maxRequestBytes}.
 *
 * <p>Checks: when the dataset opens, each index must describe its file exactly (offsets
 * contiguous from 0, sizes adding up to the file's length); at each read, the record's header
 * must declare the indexed size and its CRCs must match. A file that changed after it was indexed
 * fails one of these, as a {@link StaleIndexException} (at open) or a {@link SampleException}
 * whose cause is one (at read), naming the index, the file and the offset. Compressed (GZIP/ZLIB)
 * files cannot be read by range: index-based reading refuses them at the first record (use
 * {@link TfRecordStream}).
 *
 * <p>Samples: with no feature selected, the payload as bytes in field {@code "record"}; with
 * features ({@link TfFeature}), each decoded from the {@code tf.train.Example}. Memory: 8 bytes
 * per record for the offsets.
 */
public final class TfRecordDataset implements MapDataset {
  private final StoreRegistry stores;
  private final ObjectStat[] files;
  /** The files' URIs as text (for messages). */
  private final String[] names;
  private final ObjectUri[] indexes;
  /** Record offsets per file. */
  private final long[][] offsets;
  private final FileRanges ranges;
  private final ExampleFields decoder;
  private final boolean verifyCrc;
  private final Coalescer coalescer;
  private final String fingerprint;
  /** Whether every file is local ({@code file://}: its store maps ranges). */
  private final boolean local;

  private TfRecordDataset(Builder b, List<ObjectStat> stats) throws IOException {
    this.stores = b.stores;
    this.files = stats.toArray(new ObjectStat[0]);
    this.names = stats.stream().map(x -> x.uri().toString()).toArray(String[]::new);
    this.indexes = new ObjectUri[files.length];
    this.offsets = new long[files.length][];
    this.decoder = new ExampleFields(b.features);
    this.verifyCrc = b.verifyCrc;
    this.coalescer = new Coalescer(b.coalesceGap, b.maxRequestBytes);
    Fingerprint fp = new Fingerprint("tfrecord");
    long[] counts = new long[files.length];
    for (int f = 0; f < files.length; f++) {
      Map.Entry<ObjectUri, byte[]> index = findIndex(indexCandidates(b, files[f].uri()), files[f]);
      indexes[f] = index.getKey();
      offsets[f] = readIndex(index.getKey(), index.getValue(), files[f]);
      counts[f] = offsets[f].length;
      fp.add(files[f]).add(offsets[f].length);
    }
    this.ranges = new FileRanges(counts);
    boolean all = files.length > 0;
    for (ObjectStat f : files) {
      all &= stores.storeFor(f.uri()).canMapRanges();
    }
    this.local = all;
    decoder.features().forEach(x -> fp.add(x.toString()));
    this.fingerprint = fp.hex();
  }

  /**
   * Where the index of {@code data} may be, in the order looked at: the index folder when one is
   * given; otherwise {@code _index/<name><suffix>} beside the file (where the Spark writer and
   * {@code tfrecord-index --spark} put it), then {@code <file><suffix>} (DALI's tool).
   */
  private static List<ObjectUri> indexCandidates(Builder b, ObjectUri data) {
    String name = data.name() + b.indexSuffix;
    if (b.indexLocation != null) {
      return List.of(b.indexLocation.child(name));
    }
    String folder = data.key().substring(0, data.key().lastIndexOf('/') + 1);
    return List.of(data.withKey(folder + DaliIndexFormat.INDEX_FOLDER + "/" + name),
        data.withKey(data.key() + b.indexSuffix));
  }

  /** The first candidate that exists, with its text. */
  private Map.Entry<ObjectUri, byte[]> findIndex(List<ObjectUri> candidates, ObjectStat data) throws IOException {
    for (ObjectUri index : candidates) {
      try {
        return Map.entry(index, stores.storeFor(index).get(index));
      } catch (FileNotFoundException e) {
        // next candidate
      }
    }
    throw new FileNotFoundException("Cannot open TFRecord dataset: no DALI index for " + data.uri() + " at "
        + candidates.stream().map(ObjectUri::toString).collect(Collectors.joining(" or "))
        + " (write one with: s3dlio tfrecord-index " + data.uri() + ")");
  }

  private long[] readIndex(ObjectUri index, byte[] text, ObjectStat data) throws IOException {
    long[][] cols = {new long[1024]};
    int[] n = {0};
    DaliIndexValidator check = new DaliIndexValidator(index.toString(), data.uri().toString(), data.size());
    DaliIndexFormat.read(new ByteArrayInputStream(text), index.toString(), (offset, size) -> {
      check.record(offset, size);
      if (n[0] == cols[0].length) {
        cols[0] = Arrays.copyOf(cols[0], n[0] * 2);
      }
      cols[0][n[0]++] = offset;
    });
    check.finish();
    return Arrays.copyOf(cols[0], n[0]);
  }

  public static Builder builder(StoreRegistry stores) {
    return new Builder(stores);
  }

  /** Number of files. */
  public int fileCount() {
    return files.length;
  }

  /** The file holding record {@code index}. */
  public ObjectUri file(long index) {
    return files[fileOf(index)].uri();
  }

  private int fileOf(long index) {
    return ranges.fileOf(index);
  }

  private long recordSize(int f, int r) {
    long[] o = offsets[f];
    return (r + 1 < o.length ? o[r + 1] : files[f].size()) - o[r];
  }

  @Override
  public long size() {
    return ranges.total();
  }

  @Override
  public Sample get(long index) throws IOException {
    return MapDataset.getOne(this, index);
  }

  /** The records of {@code indices}: file, offset and framed size of each, and the requests that read them. */
  private record Plan(int[] file, long[] start, long[] length, List<Coalescer.Range> ranges) {
  }

  private Plan plan(long[] indices) {
    int n = indices.length;
    int[] file = new int[n];
    long[] start = new long[n];
    long[] length = new long[n];
    for (int i = 0; i < n; i++) {
      int f = fileOf(indices[i]);
      int r = (int) (indices[i] - ranges.start(f));
      file[i] = f;
      start[i] = offsets[f][r];
      length[i] = recordSize(f, r);
    }
    return new Plan(file, start, length, coalescer.plan(file, start, length));
  }

  /** One part per coalesced range request. */
  @Override
  public List<int[]> split(long[] indices) {
    return plan(indices).ranges().stream().map(Coalescer.Range::slots).toList();
  }

  @Override
  public Sample[] getAll(long[] indices, SampleException[] errors, FetchContext ctx) {
    Plan plan = plan(indices);
    Sample[] out = new Sample[indices.length];
    for (Coalescer.Range range : plan.ranges()) {
      readRange(range, plan, indices, out, errors, ctx);
    }
    return out;
  }

  /**
   * Reads one coalesced range front to back, each record straight into its own payload array (no
   * copy of the whole range is held), and decodes the records it serves. A record that fails
   * leaves the others of the range readable; a failed request fails the records not yet read.
   */
  private void readRange(Coalescer.Range range, Plan plan, long[] indices, Sample[] out, SampleException[] errors,
      FetchContext ctx) {
    ObjectStat data = files[range.file()];
    long[] start = plan.start();
    int[] slots = range.slots();
    int done = 0;
    try {
      if (ctx.cancelled()) {
        throw new java.io.InterruptedIOException("the fetch was cancelled (the iterator was closed)");
      }
      try (RangeInput in = open(data.uri(), range.start(), range.end() - range.start())) {
        byte[] header = new byte[TfRecordFraming.HEADER_SIZE];
        for (; done < slots.length; done++) {
          int slot = slots[done];
          long index = indices[slot];
          if (done > 0 && start[slots[done - 1]] == start[slot]) {
            // the same record twice in one fetch (sampling with replacement): decoded again, not shared
            int prev = slots[done - 1];
            errors[slot] = errors[prev] == null ? null : SampleException.of(index, data.uri().toString(), start[slot],
                errors[prev].getCause() != null ? errors[prev].getCause() : errors[prev]);
            out[slot] = out[prev] == null ? null : copy(out[prev]);
            continue;
          }
          try {
            out[slot] = readRecord(in, header, index, range.file(), start[slot], plan.length()[slot]);
          } catch (TfRecordFormatException | StaleIndexException | RuntimeException e) {
            // this record is bad; the stream is fine and the range's other records are read on
            errors[slot] = SampleException.of(index, data.uri().toString(), start[slot], e);
          }
        }
        ctx.request(in.nanos(), in.bytes());
      }
    } catch (IOException | RuntimeException e) {
      for (; done < slots.length; done++) {
        int slot = slots[done];
        errors[slot] = SampleException.of(indices[slot], data.uri().toString(), start[slot], e);
        out[slot] = null;
      }
    }
  }

  /** The bytes of one request: mapped where the store maps (local files) and the range is long, else the store's stream. */
  private RangeInput open(ObjectUri uri, long start, long length) throws IOException {
    ObjectStore store = stores.storeFor(uri);
    if (MappedRange.applies(store, length)) {
      return MappedRange.open(store, uri, start, length);
    }
    long t0 = System.nanoTime();
    InputStream stream = store.openRange(uri, start, length);
    return new RangeReader(stream, start, length, System.nanoTime() - t0);
  }

  /** A sample equal to {@code s} whose arrays are its own. */
  private Sample copy(Sample s) {
    Map<String, Object> m = new LinkedHashMap<>();
    s.fields().forEach((k, v) -> m.put(k, v instanceof byte[] b ? b.clone() : v));
    return Sample.of(s.index(), m);
  }

  /**
   * Reads the record framed in the {@code size} bytes at {@code offset} (as the index says) from
   * {@code in}, checks its framing and CRCs, and decodes it.
   */
  private Sample readRecord(RangeInput in, byte[] header, long index, int f, long offset, long size)
      throws IOException {
    String uri = names[f];
    int h = (int) Math.min(TfRecordFraming.HEADER_SIZE, size);
    if (!in.skipTo(offset) || in.read(header, 0, h) < h) {
      throw endsEarly(f, in.offset(), offset, size);
    }
    if (h < TfRecordFraming.HEADER_SIZE) {
      throw TfRecordFraming.truncatedHeader(uri, offset, false, h);
    }
    long length = TfRecordFraming.checkHeader(header, 0, uri, offset, false, verifyCrc);
    long fileSize = files[f].size();
    if (offset + TfRecordFraming.frameSize(length) > fileSize) {
      throw TfRecordFraming.truncatedPayload(uri, offset, false, length,
          offset + TfRecordFraming.frameSize(length) - fileSize);
    }
    if (length + TfRecordFraming.OVERHEAD != size) {
      throw new StaleIndexException("Stale DALI index " + indexes[f] + " for " + uri + ": the record at byte " + offset
          + " is indexed as " + size + " bytes, but its header declares a payload of " + length + " bytes ("
          + TfRecordFraming.frameSize(length) + " with framing): the file changed since it was indexed");
    }
    byte[] payload = new byte[(int) length];
    if (in.read(payload, 0, payload.length) < payload.length
        || in.read(header, 0, TfRecordFraming.FOOTER_SIZE) < TfRecordFraming.FOOTER_SIZE) {
      throw endsEarly(f, in.offset(), offset, size);
    }
    if (verifyCrc) {
      int stored = TfRecordFraming.readIntLe(header, 0);
      int computed = MaskedCrc32c.of(payload, 0, payload.length);
      if (stored != computed) {
        throw new TfRecordFormatException(uri, offset, false, TfRecordFormatException.Problem.BAD_DATA_CRC,
            String.format("data CRC mismatch (stored 0x%08x, computed 0x%08x over %d payload bytes)", stored, computed,
                length));
      }
    }
    return decoder.decode(index, payload, uri, offset);
  }

  /** The data of file {@code f} ended at {@code end}, before the end of the record at {@code offset}. */
  private TfRecordFormatException endsEarly(int f, long end, long offset, long size) {
    return new TfRecordFormatException(files[f].uri().toString(), offset, false,
        TfRecordFormatException.Problem.TRUNCATED_PAYLOAD, "the file ends at byte " + end + ", "
            + (end <= offset ? "before" : "inside") + " this record of " + size + " indexed bytes (the file changed since "
            + indexes[f] + " was written)");
  }

  /**
   * Where record {@code index} lies: its file, the byte offset of its frame and the frame's size
   * (header, payload and CRCs), as its DALI index says.
   */
  public record RecordRange(ObjectUri uri, long offset, long size) {
  }

  /** Where record {@code index} lies. */
  public RecordRange recordRange(long index) {
    int f = fileOf(index);
    int r = (int) (index - ranges.start(f));
    return new RecordRange(files[f].uri(), offsets[f][r], recordSize(f, r));
  }

  @Override
  public String describe(long index) {
    RecordRange r = recordRange(index);
    return r.uri() + " at byte " + r.offset();
  }

  @Override
  public long estimateBytes(long index) {
    int f = fileOf(index);
    return recordSize(f, (int) (index - ranges.start(f))) - TfRecordFraming.OVERHEAD;
  }

  @Override
  public Map<String, FieldSpec> schema() {
    return decoder.schema();
  }

  @Override
  public String fingerprint() {
    return fingerprint;
  }

  /** True when every file is a local ({@code file://}) one: its records are copied from the page cache. */
  @Override
  public boolean localReads() {
    return local;
  }

  /** Builds a {@link TfRecordDataset}. */
  public static final class Builder extends FilesBuilder<Builder> {
    private String indexSuffix = ".idx";
    private ObjectUri indexLocation;
    private List<TfFeature> features = List.of();
    private boolean verifyCrc = true;

    private Builder(StoreRegistry stores) {
      super(stores);
    }

    /**
     * Index name is {@code <file><suffix>} (default {@code .idx}); under a prefix, such objects and
     * hidden names ({@code _} or {@code .} first) are not data.
     */
    public Builder indexSuffix(String s) {
      this.indexSuffix = Objects.requireNonNull(s, "indexSuffix is null");
      return this;
    }

    /** A folder holding the indexes instead of beside the files. */
    public Builder indexLocation(ObjectUri folder) {
      this.indexLocation = folder;
      return this;
    }

    /** Decode these Example features (default: none, raw payloads). */
    public Builder features(TfFeature... fs) {
      this.features = List.of(fs);
      return this;
    }

    /** Check both CRCs of every record (default true). */
    public Builder verifyCrc(boolean v) {
      this.verifyCrc = v;
      return this;
    }

    /** Lists or stats the files and reads every index. */
    public TfRecordDataset build() throws IOException {
      String suffix = indexSuffix;
      return new TfRecordDataset(this,
          objects(name -> StoreObjects.isTfRecordData(name, suffix), "a TFRecord dataset"));
    }
  }
}
