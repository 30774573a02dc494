package io.s3dlio.checkpoint.format;

import io.s3dlio.checkpoint.DType;
import io.s3dlio.checkpoint.TensorSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The footer index of a shard: UTF-8 JSON
 * {@code {"tensors":[{"name","dtype","shape","size","crc32c","chunks":[[offset,stored,raw,"crc32c"],...]}]}},
 * CRC32Cs as 8 lowercase hex digits.
 * Chunks of all tensors, in order, tile the bytes between the header and the index exactly.
 */
public final class ShardIndex {
  private final List<TensorEntry> tensors;
  private final Map<String, TensorEntry> byName;

  public ShardIndex(List<TensorEntry> tensors) {
    this.tensors = List.copyOf(tensors);
    this.byName = new HashMap<>();
    for (TensorEntry t : tensors) {
      if (byName.put(t.name(), t) != null) {
        throw new IllegalArgumentException("Tensor name '" + t.name() + "' appears twice in one shard");
      }
    }
  }

  public List<TensorEntry> tensors() {
    return tensors;
  }

  /** The tensor named {@code name}, or null. */
  public TensorEntry get(String name) {
    return byName.get(name);
  }

  public byte[] encode() {
    List<Object> ts = new ArrayList<>(tensors.size());
    for (TensorEntry t : tensors) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", t.name());
      m.put("dtype", t.spec().dtype().id());
      m.put("shape", t.spec().shape());
      m.put("size", t.size());
      m.put("crc32c", Crc32c.json(t.crc32c()));
      List<Object> cs = new ArrayList<>(t.chunks().size());
      for (ChunkRef c : t.chunks()) {
        cs.add(List.of(c.offset(), (long) c.storedLength(), (long) c.rawLength(), Crc32c.json(c.crc32c())));
      }
      m.put("chunks", cs);
      ts.add(m);
    }
    return Json.write(Map.of("tensors", ts)).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Decodes and checks an index: types, shapes and sizes agree, and chunks tile
   * [{@code dataStart}, {@code dataEnd}) in order, each at most {@code chunkSize} raw bytes.
   */
  public static ShardIndex decode(byte[] bytes, long indexOffset, long dataStart, int chunkSize, boolean zstd)
      throws FormatException {
    List<TensorEntry> out = new ArrayList<>();
    long next = dataStart;
    try {
      JsonObject root = JsonObject.parse(new String(bytes, StandardCharsets.UTF_8), "index");
      for (JsonObject t : root.objects("tensors")) {
        TensorSpec spec = new TensorSpec(t.string("name"), DType.of(t.string("dtype")), t.longs("shape"));
        long size = t.integer("size");
        if (size != spec.byteSize()) {
          throw new IllegalArgumentException(t.where() + ": size " + size + " disagrees with " + spec + " ("
              + spec.byteSize() + " bytes)");
        }
        List<ChunkRef> chunks = new ArrayList<>();
        long raw = 0;
        int i = 0;
        for (Object o : t.array("chunks")) {
          long[] c = chunk(o, t.where() + ".chunks[" + i + "]");
          ChunkRef ref = new ChunkRef(c[0], (int) c[1], (int) c[2], (int) c[3]);
          String where = t.where() + ".chunks[" + i + "]";
          if (ref.offset() != next) {
            throw new IllegalArgumentException(where + ": offset " + ref.offset() + ", expected " + next);
          }
          if (ref.rawLength() <= 0 || ref.rawLength() > chunkSize || ref.storedLength() <= 0
              || (!zstd && ref.storedLength() != ref.rawLength())) {
            throw new IllegalArgumentException(where + ": stored " + ref.storedLength() + " / raw " + ref.rawLength()
                + " bytes is not a valid chunk (chunk size " + chunkSize + (zstd ? ", zstd" : ", uncompressed") + ")");
          }
          next += ref.storedLength();
          raw += ref.rawLength();
          chunks.add(ref);
          i++;
        }
        if (raw != size) {
          throw new IllegalArgumentException(t.where() + ": chunks hold " + raw + " raw bytes, size is " + size);
        }
        out.add(new TensorEntry(spec, t.crc("crc32c"), chunks));
      }
      if (next != indexOffset) {
        throw new IllegalArgumentException("index: chunks end at " + next + ", the index starts at " + indexOffset);
      }
      return new ShardIndex(out);
    } catch (IllegalArgumentException e) {
      throw new FormatException("index", e.getMessage(), indexOffset, null, null);
    }
  }

  private static long[] chunk(Object o, String where) {
    if (!(o instanceof List<?> l) || l.size() != 4) {
      throw new IllegalArgumentException(where + ": expected [offset, stored, raw, \"crc32c\"]");
    }
    long[] v = new long[4];
    for (int i = 0; i < 3; i++) {
      if (!(l.get(i) instanceof Long n) || n < 0 || (i > 0 && n > Integer.MAX_VALUE)) {
        throw new IllegalArgumentException(where + ": element " + i + " is not a valid length or offset");
      }
      v[i] = n;
    }
    if (!(l.get(3) instanceof String crc)) {
      throw new IllegalArgumentException(where + ": element 3 should be a CRC32C string");
    }
    v[3] = Crc32c.parseJson(crc);
    return v;
  }
}
