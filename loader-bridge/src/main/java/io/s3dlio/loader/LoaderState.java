package io.s3dlio.loader;

import io.s3dlio.loader.sampler.DistributedSampler.Segment;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Where a {@link DataLoader} is in its stream, as a small JSON document:
 * <pre>
 * {"format":1,"epoch":3,"position":1536,"skip":0,"yielded":1536,"seed":42,
 *  "fingerprint":"9f2c...","rank":0,"worldSize":4,"segments":[]}
 * </pre>
 *
 * @param epoch the epoch the next batch belongs to
 * @param position sampler positions of this rank's epoch whose samples were all delivered
 * @param skip outputs of the sample at {@code position} already delivered (non-zero only when a
 *     {@code flatMap} made several samples of one and a batch ended among them)
 * @param yielded samples delivered in this epoch by this rank (information; resuming uses
 *     position and skip)
 * @param seed the loader's seed
 * @param fingerprint the dataset's {@link MapDataset#fingerprint() fingerprint}
 * @param rank this loader's rank
 * @param worldSize the number of ranks
 * @param segments earlier world sizes of this epoch (see {@link io.s3dlio.loader.sampler.DistributedSampler})
 */
public record LoaderState(long epoch, long position, long skip, long yielded, long seed, String fingerprint,
    int rank, int worldSize, List<Segment> segments) {
  /** The version of the JSON layout. */
  public static final int FORMAT = 1;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> KEYS = Set.of("format", "epoch", "position", "skip", "yielded", "seed",
      "fingerprint", "rank", "worldSize", "segments");

  public LoaderState {
    Objects.requireNonNull(fingerprint, "fingerprint is null");
    segments = List.copyOf(segments);
    if (epoch < 0 || position < 0 || skip < 0 || yielded < 0 || worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException("Cannot make a loader state of epoch " + epoch + ", position " + position
          + ", skip " + skip + ", rank " + rank + " of " + worldSize);
    }
  }

  public String toJson() {
    ObjectNode o = MAPPER.createObjectNode()
        .put("format", FORMAT).put("epoch", epoch).put("position", position).put("skip", skip)
        .put("yielded", yielded).put("seed", seed).put("fingerprint", fingerprint).put("rank", rank)
        .put("worldSize", worldSize);
    ArrayNode segs = o.putArray("segments");
    for (Segment s : segments) {
      ArrayNode consumed = segs.addObject().put("worldSize", s.worldSize()).putArray("consumed");
      for (long c : s.consumed()) {
        consumed.add(c);
      }
    }
    return o.toString();
  }

  @Override
  public String toString() {
    return toJson();
  }

  /**
   * Parses what {@link #toJson()} wrote.
   *
   * @throws IllegalArgumentException naming the position and the problem when it is not a state
   */
  public static LoaderState fromJson(String json) {
    Objects.requireNonNull(json, "json is null");
    JsonNode o;
    try {
      o = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      long at = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
      throw error(json, "at character " + at + ": " + e.getOriginalMessage());
    }
    if (o == null || !o.isObject()) {
      throw error(json, "not a JSON object");
    }
    for (Iterator<String> names = o.fieldNames(); names.hasNext(); ) {
      String key = names.next();
      if (!KEYS.contains(key)) {
        throw error(json, "unknown key \"" + key + "\"");
      }
    }
    long format = integer(json, o, "format", -1);
    if (format != FORMAT) {
      throw error(json, "format is " + format + ", this version reads format " + FORMAT);
    }
    if (!o.has("epoch") || !o.has("position") || !o.has("seed") || !o.path("fingerprint").isTextual()) {
      throw error(json, "epoch, position, seed and fingerprint are required");
    }
    List<Segment> segments = new ArrayList<>();
    for (JsonNode seg : o.path("segments")) {
      JsonNode consumed = seg.path("consumed");
      long[] c = new long[consumed.size()];
      for (int r = 0; r < c.length; r++) {
        if (!consumed.get(r).canConvertToExactIntegral() || !consumed.get(r).canConvertToLong()) {
          throw error(json, "segment counts must be integers");
        }
        c[r] = consumed.get(r).longValue();
      }
      try {
        segments.add(new Segment((int) integer(json, seg, "worldSize", -1), c));
      } catch (IllegalArgumentException e) {
        throw error(json, e.getMessage());
      }
    }
    return new LoaderState(integer(json, o, "epoch", 0), integer(json, o, "position", 0),
        integer(json, o, "skip", 0), integer(json, o, "yielded", 0), integer(json, o, "seed", 0),
        o.get("fingerprint").asText(), (int) integer(json, o, "rank", 0), (int) integer(json, o, "worldSize", 1),
        segments);
  }

  private static long integer(String json, JsonNode o, String key, long absent) {
    JsonNode v = o.get(key);
    if (v == null) {
      return absent;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw error(json, "\"" + key + "\" should be an integer, found " + v);
    }
    return v.longValue();
  }

  private static IllegalArgumentException error(String json, String why) {
    return new IllegalArgumentException("Cannot read loader state: " + why + " in '"
        + (json.length() > 300 ? json.substring(0, 300) + "..." : json) + "'");
  }
}
