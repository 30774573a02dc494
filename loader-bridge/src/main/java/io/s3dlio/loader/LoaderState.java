package io.s3dlio.loader;

import io.s3dlio.loader.sampler.DistributedSampler.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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

  public LoaderState {
    Objects.requireNonNull(fingerprint, "fingerprint is null");
    segments = List.copyOf(segments);
    if (epoch < 0 || position < 0 || skip < 0 || yielded < 0 || worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException("Cannot make a loader state of epoch " + epoch + ", position " + position
          + ", skip " + skip + ", rank " + rank + " of " + worldSize);
    }
  }

  public String toJson() {
    StringBuilder sb = new StringBuilder(160);
    sb.append("{\"format\":").append(FORMAT)
        .append(",\"epoch\":").append(epoch)
        .append(",\"position\":").append(position)
        .append(",\"skip\":").append(skip)
        .append(",\"yielded\":").append(yielded)
        .append(",\"seed\":").append(seed)
        .append(",\"fingerprint\":\"").append(fingerprint).append('"')
        .append(",\"rank\":").append(rank)
        .append(",\"worldSize\":").append(worldSize)
        .append(",\"segments\":[");
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      sb.append(i == 0 ? "" : ",").append("{\"worldSize\":").append(s.worldSize()).append(",\"consumed\":[");
      long[] c = s.consumed();
      for (int r = 0; r < c.length; r++) {
        sb.append(r == 0 ? "" : ",").append(c[r]);
      }
      sb.append("]}");
    }
    return sb.append("]}").toString();
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
    Parser p = new Parser(json);
    long format = -1;
    Long epoch = null;
    Long position = null;
    long skip = 0;
    long yielded = 0;
    Long seed = null;
    String fingerprint = null;
    long rank = 0;
    long world = 1;
    List<Segment> segments = List.of();
    p.expect('{');
    if (!p.tryConsume('}')) {
      do {
        String key = p.string();
        p.expect(':');
        switch (key) {
          case "format" -> format = p.number();
          case "epoch" -> epoch = p.number();
          case "position" -> position = p.number();
          case "skip" -> skip = p.number();
          case "yielded" -> yielded = p.number();
          case "seed" -> seed = p.number();
          case "fingerprint" -> fingerprint = p.string();
          case "rank" -> rank = p.number();
          case "worldSize" -> world = p.number();
          case "segments" -> segments = p.segments();
          default -> throw p.error("unknown key \"" + key + "\"");
        }
      } while (p.tryConsume(','));
      p.expect('}');
    }
    p.end();
    if (format != FORMAT) {
      throw p.error("format is " + format + ", this version reads format " + FORMAT);
    }
    if (epoch == null || position == null || seed == null || fingerprint == null) {
      throw p.error("epoch, position, seed and fingerprint are required");
    }
    return new LoaderState(epoch, position, skip, yielded, seed, fingerprint, (int) rank, (int) world, segments);
  }

  /** A minimal reader of the JSON this class writes (objects, arrays, integers, plain strings). */
  private static final class Parser {
    private final String s;
    private int at;

    Parser(String s) {
      this.s = Objects.requireNonNull(s, "json is null");
    }

    IllegalArgumentException error(String why) {
      return new IllegalArgumentException("Cannot read loader state at character " + at + ": " + why + " in '"
          + (s.length() > 300 ? s.substring(0, 300) + "..." : s) + "'");
    }

    void ws() {
      while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
        at++;
      }
    }

    boolean tryConsume(char c) {
      ws();
      if (at < s.length() && s.charAt(at) == c) {
        at++;
        return true;
      }
      return false;
    }

    void expect(char c) {
      if (!tryConsume(c)) {
        throw error("expected '" + c + "'");
      }
    }

    void end() {
      ws();
      if (at != s.length()) {
        throw error("unexpected text after the object");
      }
    }

    String string() {
      expect('"');
      int start = at;
      while (at < s.length() && s.charAt(at) != '"') {
        if (s.charAt(at) == '\\') {
          throw error("escapes are not used in a loader state");
        }
        at++;
      }
      if (at >= s.length()) {
        throw error("unterminated string");
      }
      return s.substring(start, at++);
    }

    long number() {
      ws();
      int start = at;
      if (at < s.length() && s.charAt(at) == '-') {
        at++;
      }
      while (at < s.length() && Character.isDigit(s.charAt(at))) {
        at++;
      }
      try {
        return Long.parseLong(s.substring(start, at));
      } catch (NumberFormatException e) {
        at = start;
        throw error("expected an integer");
      }
    }

    List<Segment> segments() {
      List<Segment> out = new ArrayList<>();
      expect('[');
      if (tryConsume(']')) {
        return out;
      }
      do {
        expect('{');
        long w = -1;
        List<Long> consumed = new ArrayList<>();
        do {
          String key = string();
          expect(':');
          if (key.equals("worldSize")) {
            w = number();
          } else if (key.equals("consumed")) {
            expect('[');
            if (!tryConsume(']')) {
              do {
                consumed.add(number());
              } while (tryConsume(','));
              expect(']');
            }
          } else {
            throw error("unknown segment key \"" + key + "\"");
          }
        } while (tryConsume(','));
        expect('}');
        long[] c = consumed.stream().mapToLong(Long::longValue).toArray();
        try {
          out.add(new Segment((int) w, c));
        } catch (IllegalArgumentException e) {
          throw error(e.getMessage());
        }
      } while (tryConsume(','));
      expect(']');
      return out;
    }
  }
}
