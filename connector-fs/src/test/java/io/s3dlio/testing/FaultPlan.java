package io.s3dlio.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Which faults a {@link FaultProxy} injects, how often and into which requests, reproducibly from a
 * seed. Immutable; build with {@link #seeded(long)}.
 *
 * <p>Each request is identified by its method, path, stable query parameters (part number, block
 * number, listing marker...; never upload ids) and Range header, and by how many times a request
 * with that identity was seen before (its retries). The decision for a request is a function of
 * (seed, identity, occurrence) only: a run with the same seed and the same requests gets the same
 * faults in the same places, whatever the thread timing (requests that share an identity and run
 * at once, like the parts of two uploads to one key, may swap decisions).
 *
 * <p>Rates are per request, per fault kind, and add up (at most 1 in all for a request kind). A
 * fault that cannot apply to a response (a truncated body of a HEAD answer) is not injected and
 * not counted. {@link #maxFaultsPerRequest(int)} caps the faults one identity gets, so that a client
 * with enough retries always gets through.
 */
public final class FaultPlan {

  /** What goes wrong. */
  public enum Fault {
    /** 503 without asking the server: S3 {@code SlowDown}, Azure {@code ServerBusy}; {@link #throttleBurst} in a row. */
    THROTTLE,
    /** 500 without asking the server: S3 and Azure {@code InternalError}. */
    SERVER_ERROR,
    /** The server answers; the connection is reset (RST) part-way through the response body (or before it, when it has none). */
    RESET,
    /** The server has done the request; its answer never reaches the client (reset before the response head). */
    DROP_RESPONSE,
    /** Part of the response is sent, then nothing for {@link #stall()} (beyond the client's read timeout), then close. */
    STALL,
    /** The head promises Content-Length bytes; fewer are sent, then the connection is closed cleanly (FIN). */
    TRUNCATE,
    /** The response arrives complete but slowly: small pieces with pauses. */
    TRICKLE
  }

  /** What a request does, told from its method, path, query and headers (S3 and Azure Blob). */
  public enum RequestKind {
    GET, HEAD, PUT, CREATE_UPLOAD, UPLOAD_PART, COMPLETE_UPLOAD, LIST, DELETE, COPY, OTHER
  }

  /** Whose error bodies the proxy imitates. */
  public enum Dialect {
    S3, AZURE
  }

  private final long seed;
  private final Map<Fault, Double> rates;
  private final Map<Fault, Set<RequestKind>> kinds;
  private final Dialect dialect;
  private final int throttleBurst;
  private final Duration stall;
  private final int trickleBytes;
  private final Duration tricklePause;
  private final long trickleLimit;
  private final int maxFaultsPerRequest;

  private FaultPlan(Builder b) {
    this.seed = b.seed;
    this.rates = Collections.unmodifiableMap(new EnumMap<>(b.rates));
    Map<Fault, Set<RequestKind>> k = new EnumMap<>(Fault.class);
    b.kinds.forEach((f, s) -> k.put(f, Collections.unmodifiableSet(EnumSet.copyOf(s))));
    this.kinds = Collections.unmodifiableMap(k);
    this.dialect = b.dialect;
    this.throttleBurst = b.throttleBurst;
    this.stall = b.stall;
    this.trickleBytes = b.trickleBytes;
    this.tricklePause = b.tricklePause;
    this.trickleLimit = b.trickleLimit;
    this.maxFaultsPerRequest = b.maxFaultsPerRequest;
    for (RequestKind rk : RequestKind.values()) {
      double sum = 0;
      for (Fault f : Fault.values()) {
        sum += appliesTo(f, rk) ? rates.getOrDefault(f, 0.0) : 0;
      }
      if (sum > 1.0 + 1e-9) {
        throw new IllegalArgumentException("fault rates for " + rk + " add up to " + sum + " (> 1)");
      }
    }
  }

  /** A plan with no faults yet, deciding from {@code seed}. */
  public static Builder seeded(long seed) {
    return new Builder(seed);
  }

  public long seed() {
    return seed;
  }

  public double rate(Fault f) {
    return rates.getOrDefault(f, 0.0);
  }

  /** Whether {@code f} may be injected into requests of kind {@code k}. */
  public boolean appliesTo(Fault f, RequestKind k) {
    Set<RequestKind> s = kinds.get(f);
    return s == null || s.contains(k);
  }

  public Dialect dialect() {
    return dialect;
  }

  public int throttleBurst() {
    return throttleBurst;
  }

  public Duration stall() {
    return stall;
  }

  public int trickleBytes() {
    return trickleBytes;
  }

  public Duration tricklePause() {
    return tricklePause;
  }

  public long trickleLimit() {
    return trickleLimit;
  }

  public int maxFaultsPerRequest() {
    return maxFaultsPerRequest;
  }

  /**
   * The fault for the {@code occurrence}-th (0-based) request of {@code identity}, or null; and
   * a second uniform number in [0, 1) for where in the body it strikes.
   */
  Decision decide(String identity, int occurrence, RequestKind kind) {
    long h = mix(seed ^ fnv(identity) ^ (0x9E3779B97F4A7C15L * (occurrence + 1)));
    double u = (h >>> 11) * 0x1.0p-53;
    double where = (mix(h + 0x632BE59BD9B4E5L) >>> 11) * 0x1.0p-53;
    double acc = 0;
    for (Fault f : Fault.values()) {
      if (appliesTo(f, kind)) {
        acc += rate(f);
        if (u < acc) {
          return new Decision(f, where);
        }
      }
    }
    return new Decision(null, where);
  }

  record Decision(Fault fault, double where) {
  }

  private static long fnv(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** SplitMix64's finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public String toString() {
    return "FaultPlan{seed=" + seed + ", rates=" + rates + ", kinds=" + kinds + ", dialect=" + dialect
        + ", throttleBurst=" + throttleBurst + ", stall=" + stall + ", maxFaultsPerRequest=" + maxFaultsPerRequest + "}";
  }

  /** Builds a {@link FaultPlan}. */
  public static final class Builder {
    private final long seed;
    private final Map<Fault, Double> rates = new EnumMap<>(Fault.class);
    private final Map<Fault, Set<RequestKind>> kinds = new EnumMap<>(Fault.class);
    private Dialect dialect = Dialect.S3;
    private int throttleBurst = 1;
    private Duration stall = Duration.ofSeconds(3);
    private int trickleBytes = 1024;
    private Duration tricklePause = Duration.ofMillis(2);
    private long trickleLimit = 128 << 10;
    private int maxFaultsPerRequest = Integer.MAX_VALUE;

    private Builder(long seed) {
      this.seed = seed;
    }

    /** Injects {@code f} into this fraction of requests (of every kind). */
    public Builder rate(Fault f, double rate) {
      if (rate < 0 || rate > 1) {
        throw new IllegalArgumentException("rate of " + f + " must be in [0, 1]: " + rate);
      }
      rates.put(f, rate);
      return this;
    }

    /** Injects {@code f} into this fraction of the requests of the given kinds only. */
    public Builder rate(Fault f, double rate, RequestKind first, RequestKind... more) {
      rate(f, rate);
      kinds.put(f, EnumSet.of(first, more));
      return this;
    }

    public Builder dialect(Dialect d) {
      this.dialect = d;
      return this;
    }

    /** A throttled request is throttled this many times in a row (its retries too). */
    public Builder throttleBurst(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("throttle burst must be >= 1: " + n);
      }
      this.throttleBurst = n;
      return this;
    }

    /** How long a stalled response sends nothing (make it longer than the client's read timeout). */
    public Builder stall(Duration d) {
      this.stall = d;
      return this;
    }

    /** A trickled response comes in pieces of {@code bytes} with {@code pause} between, for its first {@code limit} bytes. */
    public Builder trickle(int bytes, Duration pause, long limit) {
      this.trickleBytes = bytes;
      this.tricklePause = pause;
      this.trickleLimit = limit;
      return this;
    }

    /** At most this many faults for one request identity (its first attempt and retries together). */
    public Builder maxFaultsPerRequest(int n) {
      this.maxFaultsPerRequest = n;
      return this;
    }

    public FaultPlan build() {
      return new FaultPlan(this);
    }
  }
}
