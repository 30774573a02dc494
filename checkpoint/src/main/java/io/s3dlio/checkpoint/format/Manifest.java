package io.s3dlio.checkpoint.format;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The manifest of a committed checkpoint: UTF-8 JSON, one line. Its last member is
 * {@code "manifestCrc32c"}, the CRC32C of the same text without that member: of the bytes before
 * {@code ,"manifestCrc32c":} followed by one {@code '}'}.
 *
 * @param step training step
 * @param saveId the id the coordinator chose for this save
 * @param worldSize number of ranks (= shards)
 * @param createdAt when the coordinator committed
 * @param compression "zstd" or "none"
 * @param shards one per rank, in rank order
 * @param userMetadata the saver's metadata (a loader's state, hyperparameters...)
 */
public record Manifest(long step, String saveId, int worldSize, Instant createdAt, String compression,
    List<Shard> shards, Map<String, String> userMetadata) {
  public static final String FORMAT = "s3dlio-checkpoint";
  public static final int VERSION = 1;
  static final String CRC_MEMBER = ",\"manifestCrc32c\":";

  /** One rank's shard: key relative to the checkpoint root, size and CRC32C of all its bytes. */
  public record Shard(int rank, String key, long size, int crc32c, int tensors) {
  }

  public Manifest {
    shards = List.copyOf(shards);
    userMetadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(userMetadata));
  }

  public long totalBytes() {
    return shards.stream().mapToLong(Shard::size).sum();
  }

  public byte[] encode() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("version", (long) VERSION);
    m.put("step", step);
    m.put("saveId", saveId);
    m.put("worldSize", (long) worldSize);
    m.put("createdAt", createdAt.toString());
    m.put("compression", compression);
    List<Object> s = new ArrayList<>();
    for (Shard sh : shards) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("rank", (long) sh.rank());
      x.put("key", sh.key());
      x.put("size", sh.size());
      x.put("crc32c", Crc32c.json(sh.crc32c()));
      x.put("tensors", (long) sh.tensors());
      s.add(x);
    }
    m.put("shards", s);
    m.put("userMetadata", new LinkedHashMap<Object, Object>(userMetadata));
    String body = Json.write(m);
    int crc = Crc32c.of(body.getBytes(StandardCharsets.UTF_8));
    String text = body.substring(0, body.length() - 1) + CRC_MEMBER + "\"" + Crc32c.json(crc) + "\"}\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Decodes and checks a manifest: its own CRC32C, then its members (shards 0..worldSize-1 once
   * each, keys under the step's folder of this save id).
   */
  public static Manifest decode(byte[] bytes) throws FormatException {
    String text = new String(bytes, StandardCharsets.UTF_8);
    String trimmed = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    int at = trimmed.lastIndexOf(CRC_MEMBER);
    if (at < 0 || !trimmed.endsWith("}")) {
      throw new FormatException("manifest", "no \"manifestCrc32c\" member at its end (not a manifest, or edited)", -1,
          null, null);
    }
    int recorded;
    try {
      String v = trimmed.substring(at + CRC_MEMBER.length(), trimmed.length() - 1);
      if (v.length() != 10 || v.charAt(0) != '"' || v.charAt(9) != '"') {
        throw new IllegalArgumentException("'" + v + "' is not a quoted CRC32C");
      }
      recorded = Crc32c.parseJson(v.substring(1, 9));
    } catch (IllegalArgumentException e) {
      throw new FormatException("manifest", "\"manifestCrc32c\": " + e.getMessage(), at, null, null);
    }
    byte[] body = (trimmed.substring(0, at) + "}").getBytes(StandardCharsets.UTF_8);
    int actual = Crc32c.of(body);
    if (actual != recorded) {
      throw new FormatException("manifest", "manifest CRC32C mismatch (edited or damaged)", -1, recorded, actual);
    }
    try {
      JsonObject o = JsonObject.parse(trimmed, "manifest");
      if (!FORMAT.equals(o.string("format"))) {
        throw new IllegalArgumentException("format is '" + o.string("format") + "', expected '" + FORMAT + "'");
      }
      long version = o.integer("version");
      if (version != VERSION) {
        throw new IllegalArgumentException("version " + version + " (this reader knows " + VERSION + ")");
      }
      long step = o.integer("step", 0, Long.MAX_VALUE);
      String saveId = Layout.checkSaveId(o.string("saveId"));
      int world = (int) o.integer("worldSize", 1, 1 << 20);
      String compression = o.string("compression");
      if (!compression.equals("zstd") && !compression.equals("none")) {
        throw new IllegalArgumentException("compression '" + compression + "' (expected zstd or none)");
      }
      List<JsonObject> ss = o.objects("shards");
      if (ss.size() != world) {
        throw new IllegalArgumentException(ss.size() + " shards for world size " + world);
      }
      List<Shard> shards = new ArrayList<>();
      for (int r = 0; r < ss.size(); r++) {
        JsonObject s = ss.get(r);
        int rank = (int) s.integer("rank");
        String key = s.string("key");
        if (rank != r || !key.equals(Layout.shardKey(step, saveId, rank, world))) {
          throw new IllegalArgumentException("shard " + r + " is rank " + rank + " at '" + key + "', expected rank " + r
              + " at '" + Layout.shardKey(step, saveId, r, world) + "'");
        }
        shards.add(new Shard(rank, key, s.integer("size", 0, Long.MAX_VALUE), s.crc("crc32c"),
            (int) s.integer("tensors", 0, Integer.MAX_VALUE)));
      }
      Instant created;
      try {
        created = Instant.parse(o.string("createdAt"));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("createdAt '" + o.string("createdAt") + "' is not an ISO-8601 instant");
      }
      return new Manifest(step, saveId, world, created, compression, shards, o.stringMap("userMetadata"));
    } catch (IllegalArgumentException e) {
      throw new FormatException("manifest", e.getMessage(), -1, null, null);
    }
  }
}
