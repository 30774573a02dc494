package io.s3dlio.store.s3;

import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreKeys;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Resolved settings of the S3 backend (and of gs://, which reuses it through GCS's XML API).
 *
 * <p>{@link #from(StoreConfig)} reads the {@code s3.*} keys below, defined with their defaults in
 * {@link StoreKeys} (and documented in {@code docs/configuration.md}). Durations accept {@code ms}, {@code s}, {@code m}, {@code h} suffixes (a plain number is
 * milliseconds); sizes accept {@code k}, {@code m}, {@code g} suffixes (binary multiples).
 *
 * <p>Credentials are chosen in this order: explicit keys ({@link #ACCESS_KEY} and
 * {@link #SECRET_KEY}, with {@link #SESSION_TOKEN} if set), else the named profile
 * ({@link #PROFILE}), else the SDK's default chain (environment, system properties, web identity,
 * profile file, container and instance metadata). {@link #toString()} never prints secrets.
 *
 * <p>Instances are immutable; build one with {@link #builder(ObjectUri.Scheme)} or
 * {@link #from(StoreConfig)}.
 */
public final class S3StoreConfig {

  /** Endpoint URL of an S3-compatible store (e.g. {@code http://127.0.0.1:9000}); unset means AWS. */
  public static final String ENDPOINT = StoreKeys.S3_ENDPOINT.name();

  /** Signing region: {@value}. */
  public static final String REGION = StoreKeys.S3_REGION.name();
  public static final String REGION_DEFAULT = StoreKeys.S3_REGION.defaultValue();

  /**
   * Path-style addressing ({@code http://host/bucket/key}) instead of virtual hosts
   * ({@code http://bucket.host/key}). Default: true when {@link #ENDPOINT} is set (most
   * S3-compatible stores need it), false otherwise.
   */
  public static final String PATH_STYLE = StoreKeys.S3_PATH_STYLE.name();

  /** Access key id; used together with {@link #SECRET_KEY}. */
  public static final String ACCESS_KEY = StoreKeys.S3_ACCESS_KEY.name();

  /** Secret access key; never printed or logged. */
  public static final String SECRET_KEY = StoreKeys.S3_SECRET_KEY.name();

  /** Session token of temporary credentials (optional, with the explicit keys). */
  public static final String SESSION_TOKEN = StoreKeys.S3_SESSION_TOKEN.name();

  /** Named profile of {@code ~/.aws/credentials}, used when no explicit keys are set. */
  public static final String PROFILE = StoreKeys.S3_PROFILE.name();

  /**
   * Size of the HTTP connection pool (Apache client): at most this many requests run at once per
   * store; further requests wait for a free connection. Default {@value #MAX_CONNECTIONS_DEFAULT}.
   */
  public static final String MAX_CONNECTIONS = StoreKeys.S3_MAX_CONNECTIONS.name();
  public static final int MAX_CONNECTIONS_DEFAULT = StoreKeys.S3_MAX_CONNECTIONS.intDefault();

  /**
   * Retries of one request after its first attempt (the SDK's standard retry strategy, so
   * {@code max-retries + 1} attempts in all). Retried: throttling (503 SlowDown, 429 and the
   * throttling error codes), 500/502/503/504, connection failures and resets. Backoff is exponential
   * with full jitter: the delay before retry {@code n} is random in {@code [0, base * 2^(n-1)]},
   * capped at {@link #RETRY_MAX_DELAY}, where base is {@link #RETRY_BASE_DELAY}, or
   * {@link #RETRY_THROTTLE_DELAY} after a throttling answer. The SDK's retry circuit breaker is off,
   * so every request gets all its attempts however many others failed. All attempts of one call
   * together stop at {@link #CALL_DEADLINE}. A body that fails mid-way on read is resumed
   * separately ({@link #RESUME_ATTEMPTS}). Default {@value #MAX_RETRIES_DEFAULT}.
   */
  public static final String MAX_RETRIES = StoreKeys.S3_MAX_RETRIES.name();
  public static final int MAX_RETRIES_DEFAULT = StoreKeys.S3_MAX_RETRIES.intDefault();

  /** First backoff delay (see {@link #MAX_RETRIES}). Default {@value #RETRY_BASE_DELAY_DEFAULT}. */
  public static final String RETRY_BASE_DELAY = StoreKeys.S3_RETRY_BASE_DELAY.name();
  public static final String RETRY_BASE_DELAY_DEFAULT = StoreKeys.S3_RETRY_BASE_DELAY.defaultValue();

  /** First backoff delay after a throttling answer. Default {@value #RETRY_THROTTLE_DELAY_DEFAULT}. */
  public static final String RETRY_THROTTLE_DELAY = StoreKeys.S3_RETRY_THROTTLE_DELAY.name();
  public static final String RETRY_THROTTLE_DELAY_DEFAULT = StoreKeys.S3_RETRY_THROTTLE_DELAY.defaultValue();

  /** Longest delay between two attempts. Default {@value #RETRY_MAX_DELAY_DEFAULT}. */
  public static final String RETRY_MAX_DELAY = StoreKeys.S3_RETRY_MAX_DELAY.name();
  public static final String RETRY_MAX_DELAY_DEFAULT = StoreKeys.S3_RETRY_MAX_DELAY.defaultValue();

  /**
   * Time budget of one call, all its attempts and backoff delays included (the SDK's
   * {@code apiCallTimeout}); a call that runs out fails with a {@link io.s3dlio.store.StoreException}
   * naming the operation, URI, attempts and elapsed time. For a GET it covers the wait for the
   * response, not the reading of the body (bounded by {@link #READ_TIMEOUT} per read and
   * {@link #RESUME_ATTEMPTS}). {@code 0} turns it off. Default {@value #CALL_DEADLINE_DEFAULT}.
   */
  public static final String CALL_DEADLINE = StoreKeys.S3_CALL_DEADLINE.name();
  public static final String CALL_DEADLINE_DEFAULT = StoreKeys.S3_CALL_DEADLINE.defaultValue();

  /**
   * Whether upload bodies may be sent with aws-chunked encoding (the SDK's
   * {@code chunkedEncodingEnabled}). {@code false} sends plain bodies, their checksum (if any)
   * computed up front: Ceph RGW 16 over plain http rejects the zero-length aws-chunked body of an
   * empty object, and OpenStack Swift's s3api refuses aws-chunked altogether. See
   * {@code docs/s3-compatibility.md}. Default true.
   */
  public static final String CHUNKED_ENCODING = StoreKeys.S3_CHUNKED_ENCODING.name();

  /**
   * Whether bulk deletes use DeleteObjects (1,000 keys per request); {@code false} deletes keys one by
   * one, {@code delete-parallelism} at once (OpenStack Swift's s3api refuses DeleteObjects without
   * Content-MD5, which SDK 2.30+ no longer sends). Default true (false for gs://).
   */
  public static final String BULK_DELETE = StoreKeys.S3_BULK_DELETE.name();

  /** Part copies of one multipart copy in flight at once. Default {@value #COPY_PARALLELISM_DEFAULT}. */
  public static final String COPY_PARALLELISM = StoreKeys.S3_COPY_PARALLELISM.name();
  public static final int COPY_PARALLELISM_DEFAULT = StoreKeys.S3_COPY_PARALLELISM.intDefault();

  /** TCP connect timeout. Default {@value #CONNECT_TIMEOUT_DEFAULT}. */
  public static final String CONNECT_TIMEOUT = StoreKeys.S3_CONNECT_TIMEOUT.name();
  public static final String CONNECT_TIMEOUT_DEFAULT = StoreKeys.S3_CONNECT_TIMEOUT.defaultValue();

  /** Socket read timeout: the longest wait for the next bytes of a response. Default {@value #READ_TIMEOUT_DEFAULT}. */
  public static final String READ_TIMEOUT = StoreKeys.S3_READ_TIMEOUT.name();
  public static final String READ_TIMEOUT_DEFAULT = StoreKeys.S3_READ_TIMEOUT.defaultValue();

  /**
   * When to send checksums with uploads. Unset: the AWS SDK's own setting is honoured, the system
   * property {@code aws.requestChecksumCalculation}, the environment variable
   * {@code AWS_REQUEST_CHECKSUM_CALCULATION}, then {@code request_checksum_calculation} of the AWS
   * config profile ({@link #PROFILE}, else {@code AWS_PROFILE}, else {@code default}); s3:// only.
   * {@code when_supported} (the default) sends a CRC32C checksum
   * with every PutObject and UploadPart (the SDK streams the body with aws-chunked encoding and a
   * trailing checksum); {@code when_required} sends one only where the operation demands it
   * (DeleteObjects). Use {@code when_required} with stores that do not understand the SDK's
   * flexible checksums: older MinIO, Ceph RGW (rejects the default uploads with
   * XAmzContentSHA256Mismatch), OpenStack Swift's s3api (501 on aws-chunked bodies), many
   * appliances, and GCS's XML API.
   */
  public static final String CHECKSUM_CALCULATION = StoreKeys.S3_CHECKSUM_CALCULATION.name();

  /**
   * When to check response checksums. Unset: as {@link #CHECKSUM_CALCULATION}, from
   * {@code aws.responseChecksumValidation}, {@code AWS_RESPONSE_CHECKSUM_VALIDATION}, then the
   * profile's {@code response_checksum_validation}. {@code when_supported} (default) checks the checksum the
   * store returns with a whole-object GET; {@code when_required} checks only where the operation
   * demands it. Use {@code when_required} with the same older stores as above.
   */
  public static final String CHECKSUM_VALIDATION = StoreKeys.S3_CHECKSUM_VALIDATION.name();
  public static final String CHECKSUM_DEFAULT = StoreKeys.S3_CHECKSUM_CALCULATION.defaultValue();

  /**
   * Part size of multipart uploads (and the threshold above which a streaming write becomes one).
   * Default {@value #PART_SIZE_DEFAULT}, at least 5m (S3's minimum part size), at most 2047m. An
   * object written through a writer can have at most 10,000 parts, so at most 10,000 part sizes.
   */
  public static final String PART_SIZE = StoreKeys.S3_PART_SIZE.name();
  public static final String PART_SIZE_DEFAULT = StoreKeys.S3_PART_SIZE.defaultValue();
  public static final long MIN_PART_SIZE = 5L << 20;
  public static final long MAX_PART_SIZE = 2047L << 20;
  public static final int MAX_PARTS = 10_000;

  /**
   * Parts one writer holds in memory at once (being filled or uploading); memory of one writer is
   * bounded by this times the part size. At least 2. Default {@value #UPLOAD_ACTIVE_BLOCKS_DEFAULT}.
   */
  public static final String UPLOAD_ACTIVE_BLOCKS = StoreKeys.S3_UPLOAD_ACTIVE_BLOCKS.name();
  public static final int UPLOAD_ACTIVE_BLOCKS_DEFAULT = StoreKeys.S3_UPLOAD_ACTIVE_BLOCKS.intDefault();

  /**
   * How many times in a row a GET body that fails mid-way is reopened from the last byte
   * delivered without any progress in between. Default {@value #RESUME_ATTEMPTS_DEFAULT}.
   */
  public static final String RESUME_ATTEMPTS = StoreKeys.S3_RESUME_ATTEMPTS.name();
  public static final int RESUME_ATTEMPTS_DEFAULT = StoreKeys.S3_RESUME_ATTEMPTS.intDefault();

  /**
   * Objects larger than this are copied with UploadPartCopy in parts instead of one CopyObject.
   * Default and maximum {@value #COPY_MULTIPART_THRESHOLD_DEFAULT} (CopyObject's limit).
   */
  public static final String COPY_MULTIPART_THRESHOLD = StoreKeys.S3_COPY_MULTIPART_THRESHOLD.name();
  public static final String COPY_MULTIPART_THRESHOLD_DEFAULT = StoreKeys.S3_COPY_MULTIPART_THRESHOLD.defaultValue();

  /** Part size of a multipart copy. Default {@value #COPY_PART_SIZE_DEFAULT}, between 5m and 5g. */
  public static final String COPY_PART_SIZE = StoreKeys.S3_COPY_PART_SIZE.name();
  public static final String COPY_PART_SIZE_DEFAULT = StoreKeys.S3_COPY_PART_SIZE.defaultValue();

  /** Checksum modes of {@link #CHECKSUM_CALCULATION} and {@link #CHECKSUM_VALIDATION}. */
  public enum ChecksumMode {
    WHEN_SUPPORTED, WHEN_REQUIRED;

    /** Parses {@code when_supported} / {@code when_required} (any case, '-' or '_'). */
    public static ChecksumMode parse(String key, String value) {
      String v = value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
      if (v.equals("when_supported")) {
        return WHEN_SUPPORTED;
      }
      if (v.equals("when_required")) {
        return WHEN_REQUIRED;
      }
      throw new IllegalArgumentException("Cannot read setting " + key + ": '" + value
          + "' is not when_supported or when_required");
    }
  }

  /** How {@link io.s3dlio.store.WriteOptions#ifNoneMatch()} is sent. */
  public enum ConditionalCreate {
    /** {@code If-None-Match: *} on PutObject and CompleteMultipartUpload (S3, S3Proxy, MinIO). */
    IF_NONE_MATCH,
    /**
     * GCS XML API: {@code x-goog-if-generation-match: 0} on a single PUT. GCS takes no
     * preconditions on multipart uploads, so a multipart write checks with HEAD before it starts
     * and before it completes (not atomic).
     */
    GCS_GENERATION_MATCH
  }

  private final ObjectUri.Scheme scheme;
  private final String keyPrefix;
  private final URI endpoint;
  private final String region;
  private final boolean pathStyle;
  private final String accessKey;
  private final String secretKey;
  private final String sessionToken;
  private final String profile;
  private final int maxConnections;
  private final int maxRetries;
  private final Duration retryBaseDelay;
  private final Duration retryThrottleDelay;
  private final Duration retryMaxDelay;
  private final Duration callDeadline;
  private final boolean chunkedEncoding;
  private final int copyParallelism;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final ChecksumMode checksumCalculation;
  private final ChecksumMode checksumValidation;
  private final long partSize;
  private final int uploadActiveBlocks;
  private final io.s3dlio.store.UploadBuffer uploadBuffer;
  private final int resumeAttempts;
  private final long copyMultipartThreshold;
  private final long copyPartSize;
  private final boolean bulkDelete;
  private final int deleteParallelism;
  private final ConditionalCreate conditionalCreate;

  private S3StoreConfig(Builder b) {
    this.scheme = b.scheme;
    this.keyPrefix = b.keyPrefix;
    this.endpoint = b.endpoint;
    this.region = b.region;
    this.pathStyle = b.pathStyle != null ? b.pathStyle : b.endpoint != null;
    this.accessKey = b.accessKey;
    this.secretKey = b.secretKey;
    this.sessionToken = b.sessionToken;
    this.profile = b.profile;
    this.maxConnections = b.maxConnections;
    this.maxRetries = b.maxRetries;
    this.retryBaseDelay = b.retryBaseDelay;
    this.retryThrottleDelay = b.retryThrottleDelay;
    this.retryMaxDelay = b.retryMaxDelay;
    this.callDeadline = b.callDeadline;
    this.chunkedEncoding = b.chunkedEncoding;
    this.copyParallelism = b.copyParallelism;
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
    this.checksumCalculation = b.checksumCalculation;
    this.checksumValidation = b.checksumValidation;
    this.partSize = b.partSize;
    this.uploadActiveBlocks = b.uploadActiveBlocks;
    this.uploadBuffer = b.uploadBuffer;
    this.resumeAttempts = b.resumeAttempts;
    this.copyMultipartThreshold = b.copyMultipartThreshold;
    this.copyPartSize = b.copyPartSize;
    this.bulkDelete = b.bulkDelete;
    this.deleteParallelism = b.deleteParallelism;
    this.conditionalCreate = b.conditionalCreate;
    validate();
  }

  private void validate() {
    String p = keyPrefix;
    check(region != null && !region.isBlank(), p + StoreKeys.S3_REGION.suffix(), "must not be empty");
    check(maxConnections >= 1, p + StoreKeys.S3_MAX_CONNECTIONS.suffix(), maxConnections + " (need >= 1)");
    check(maxRetries >= 0, p + StoreKeys.S3_MAX_RETRIES.suffix(), maxRetries + " (need >= 0)");
    check(retryBaseDelay.toMillis() >= 1, p + StoreKeys.S3_RETRY_BASE_DELAY.suffix(), retryBaseDelay + " (need >= 1ms)");
    check(retryThrottleDelay.toMillis() >= 1, p + StoreKeys.S3_RETRY_THROTTLE_DELAY.suffix(), retryThrottleDelay + " (need >= 1ms)");
    check(retryMaxDelay.compareTo(retryBaseDelay) >= 0 && retryMaxDelay.compareTo(retryThrottleDelay) >= 0,
        p + StoreKeys.S3_RETRY_MAX_DELAY.suffix(), retryMaxDelay + " (need >= retry-base-delay and retry-throttle-delay)");
    check(!callDeadline.isNegative(), p + StoreKeys.S3_CALL_DEADLINE.suffix(), callDeadline + " (need >= 0; 0 turns it off)");
    check(copyParallelism >= 1, p + StoreKeys.S3_COPY_PARALLELISM.suffix(), copyParallelism + " (need >= 1)");
    check(!connectTimeout.isNegative() && !connectTimeout.isZero(), p + StoreKeys.S3_CONNECT_TIMEOUT.suffix(), connectTimeout + " (need > 0)");
    check(!readTimeout.isNegative() && !readTimeout.isZero(), p + StoreKeys.S3_READ_TIMEOUT.suffix(), readTimeout + " (need > 0)");
    check(partSize >= MIN_PART_SIZE && partSize <= MAX_PART_SIZE, p + StoreKeys.S3_PART_SIZE.suffix(),
        partSize + " bytes (need 5m to 2047m)");
    check(uploadActiveBlocks >= 2, p + StoreKeys.S3_UPLOAD_ACTIVE_BLOCKS.suffix(), uploadActiveBlocks + " (need >= 2)");
    check(resumeAttempts >= 0, p + StoreKeys.S3_RESUME_ATTEMPTS.suffix(), resumeAttempts + " (need >= 0)");
    check(copyMultipartThreshold >= MIN_PART_SIZE && copyMultipartThreshold <= 5L << 30,
        p + StoreKeys.S3_COPY_MULTIPART_THRESHOLD.suffix(), copyMultipartThreshold + " bytes (need 5m to 5g)");
    check(copyPartSize >= MIN_PART_SIZE && copyPartSize <= 5L << 30, p + StoreKeys.S3_COPY_PART_SIZE.suffix(),
        copyPartSize + " bytes (need 5m to 5g)");
    check(deleteParallelism >= 1, p + StoreKeys.S3_DELETE_PARALLELISM.suffix(), deleteParallelism + " (need >= 1)");
    check((accessKey == null) == (secretKey == null), p + StoreKeys.S3_ACCESS_KEY.suffix() + "/" + p + StoreKeys.S3_SECRET_KEY.suffix(),
        "set both or neither");
  }

  private static void check(boolean ok, String key, String what) {
    if (!ok) {
      throw new IllegalArgumentException("Cannot use setting " + key + ": " + what);
    }
  }

  /** S3 settings from the {@code s3.*} keys of {@code config}. */
  public static S3StoreConfig from(StoreConfig config) {
    return builder(ObjectUri.Scheme.S3).read(config, "s3.").build();
  }

  /** A builder with the S3 defaults, for {@code scheme} (S3, or GS through GCS's XML API). */
  public static Builder builder(ObjectUri.Scheme scheme) {
    return new Builder(scheme);
  }

  public ObjectUri.Scheme scheme() {
    return scheme;
  }

  /** The prefix of the setting keys these settings came from ({@code s3.} or {@code gcs.}). */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** The endpoint, or null for AWS's own. */
  public URI endpoint() {
    return endpoint;
  }

  public String region() {
    return region;
  }

  public boolean pathStyle() {
    return pathStyle;
  }

  String accessKey() {
    return accessKey;
  }

  String secretKey() {
    return secretKey;
  }

  String sessionToken() {
    return sessionToken;
  }

  public String profile() {
    return profile;
  }

  public int maxConnections() {
    return maxConnections;
  }

  public int maxRetries() {
    return maxRetries;
  }

  public Duration retryBaseDelay() {
    return retryBaseDelay;
  }

  public Duration retryThrottleDelay() {
    return retryThrottleDelay;
  }

  public Duration retryMaxDelay() {
    return retryMaxDelay;
  }

  /** The time budget of one call, or {@link Duration#ZERO} for none. */
  public Duration callDeadline() {
    return callDeadline;
  }

  public boolean chunkedEncoding() {
    return chunkedEncoding;
  }

  public int copyParallelism() {
    return copyParallelism;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration readTimeout() {
    return readTimeout;
  }

  public ChecksumMode checksumCalculation() {
    return checksumCalculation;
  }

  public ChecksumMode checksumValidation() {
    return checksumValidation;
  }

  public long partSize() {
    return partSize;
  }

  /** Where streaming uploads buffer their parts ({@code upload-buffer} = memory | disk, {@code upload-buffer-dir}). */
  public io.s3dlio.store.UploadBuffer uploadBuffer() {
    return uploadBuffer;
  }

  public int uploadActiveBlocks() {
    return uploadActiveBlocks;
  }

  public int resumeAttempts() {
    return resumeAttempts;
  }

  public long copyMultipartThreshold() {
    return copyMultipartThreshold;
  }

  public long copyPartSize() {
    return copyPartSize;
  }

  /** Whether the store has DeleteObjects (S3: yes; GCS XML API: no, keys are deleted one by one). */
  public boolean bulkDelete() {
    return bulkDelete;
  }

  /** Concurrent single deletes when the store has no bulk delete. */
  public int deleteParallelism() {
    return deleteParallelism;
  }

  public ConditionalCreate conditionalCreate() {
    return conditionalCreate;
  }

  /** Which credentials are used, without secrets. */
  public String credentialsSource() {
    if (accessKey != null) {
      return sessionToken != null ? "explicit session keys" : "explicit keys";
    }
    return profile != null ? "profile " + profile : "default chain";
  }

  @Override
  public String toString() {
    return "S3StoreConfig{scheme=" + scheme.id() + ", endpoint=" + (endpoint == null ? "aws" : endpoint)
        + ", region=" + region + ", pathStyle=" + pathStyle + ", credentials=" + credentialsSource()
        + ", maxConnections=" + maxConnections + ", maxRetries=" + maxRetries + ", retryDelays=" + retryBaseDelay
        + "/" + retryThrottleDelay + "/" + retryMaxDelay + ", callDeadline=" + callDeadline
        + ", chunkedEncoding=" + chunkedEncoding + ", connectTimeout="
        + connectTimeout + ", readTimeout=" + readTimeout + ", checksumCalculation=" + checksumCalculation
        + ", checksumValidation=" + checksumValidation + ", partSize=" + partSize + ", uploadActiveBlocks="
        + uploadActiveBlocks + ", resumeAttempts=" + resumeAttempts + ", bulkDelete=" + bulkDelete
        + ", conditionalCreate=" + conditionalCreate + "}";
  }

  /** Parses a duration: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or plain milliseconds. */
  public static Duration parseDuration(String key, String value) {
    return StoreConfig.parseDuration(key, value);
  }

  /** Builds an {@link S3StoreConfig}; starts from the S3 defaults. */
  public static final class Builder {
    private final ObjectUri.Scheme scheme;
    private String keyPrefix = "s3.";
    private URI endpoint;
    private String region = REGION_DEFAULT;
    private Boolean pathStyle;
    private String accessKey;
    private String secretKey;
    private String sessionToken;
    private String profile;
    private int maxConnections = MAX_CONNECTIONS_DEFAULT;
    private int maxRetries = MAX_RETRIES_DEFAULT;
    private Duration retryBaseDelay = parseDuration(RETRY_BASE_DELAY, RETRY_BASE_DELAY_DEFAULT);
    private Duration retryThrottleDelay = parseDuration(RETRY_THROTTLE_DELAY, RETRY_THROTTLE_DELAY_DEFAULT);
    private Duration retryMaxDelay = parseDuration(RETRY_MAX_DELAY, RETRY_MAX_DELAY_DEFAULT);
    private Duration callDeadline = parseDuration(CALL_DEADLINE, CALL_DEADLINE_DEFAULT);
    private boolean chunkedEncoding = StoreKeys.S3_CHUNKED_ENCODING.booleanDefault();
    private int copyParallelism = COPY_PARALLELISM_DEFAULT;
    private Duration connectTimeout = parseDuration(CONNECT_TIMEOUT, CONNECT_TIMEOUT_DEFAULT);
    private Duration readTimeout = parseDuration(READ_TIMEOUT, READ_TIMEOUT_DEFAULT);
    private ChecksumMode checksumCalculation = ChecksumMode.WHEN_SUPPORTED;
    private ChecksumMode checksumValidation = ChecksumMode.WHEN_SUPPORTED;
    private long partSize = StoreConfigs.bytes(PART_SIZE, PART_SIZE_DEFAULT);
    private int uploadActiveBlocks = UPLOAD_ACTIVE_BLOCKS_DEFAULT;
    private io.s3dlio.store.UploadBuffer uploadBuffer = io.s3dlio.store.UploadBuffer.MEMORY;
    private int resumeAttempts = RESUME_ATTEMPTS_DEFAULT;
    private long copyMultipartThreshold = StoreConfigs.bytes(COPY_MULTIPART_THRESHOLD, COPY_MULTIPART_THRESHOLD_DEFAULT);
    private long copyPartSize = StoreConfigs.bytes(COPY_PART_SIZE, COPY_PART_SIZE_DEFAULT);
    private boolean bulkDelete = StoreKeys.S3_BULK_DELETE.booleanDefault();
    private int deleteParallelism = StoreKeys.S3_DELETE_PARALLELISM.intDefault();
    private ConditionalCreate conditionalCreate = ConditionalCreate.IF_NONE_MATCH;

    private Builder(ObjectUri.Scheme scheme) {
      this.scheme = Objects.requireNonNull(scheme, "scheme is null");
    }

    /**
     * Overrides these settings with the keys of {@code config} that start with {@code prefix}
     * ({@code s3.} or {@code gcs.}) and have the suffixes of the {@code s3.*} keys of this class.
     */
    public Builder read(StoreConfig config, String prefix) {
      this.keyPrefix = prefix;
      config.get(prefix + StoreKeys.S3_ENDPOINT.suffix()).filter(s -> !s.isBlank()).ifPresent(v -> endpoint(parseEndpoint(prefix + StoreKeys.S3_ENDPOINT.suffix(), v)));
      config.get(prefix + StoreKeys.S3_REGION.suffix()).ifPresent(v -> region = v.trim());
      if (config.get(prefix + StoreKeys.S3_PATH_STYLE.suffix()).isPresent()) {
        pathStyle = config.getBoolean(prefix + StoreKeys.S3_PATH_STYLE.suffix(), false);
      }
      config.get(prefix + StoreKeys.S3_ACCESS_KEY.suffix()).filter(s -> !s.isBlank()).ifPresent(v -> accessKey = v.trim());
      config.get(prefix + StoreKeys.S3_SECRET_KEY.suffix()).filter(s -> !s.isBlank()).ifPresent(v -> secretKey = v.trim());
      config.get(prefix + StoreKeys.S3_SESSION_TOKEN.suffix()).filter(s -> !s.isBlank()).ifPresent(v -> sessionToken = v.trim());
      config.get(prefix + StoreKeys.S3_PROFILE.suffix()).filter(s -> !s.isBlank()).ifPresent(v -> profile = v.trim());
      maxConnections = config.getInt(prefix + StoreKeys.S3_MAX_CONNECTIONS.suffix(), maxConnections);
      maxRetries = config.getInt(prefix + StoreKeys.S3_MAX_RETRIES.suffix(), maxRetries);
      retryBaseDelay = config.getDuration(prefix + StoreKeys.S3_RETRY_BASE_DELAY.suffix(), retryBaseDelay);
      retryThrottleDelay = config.getDuration(prefix + StoreKeys.S3_RETRY_THROTTLE_DELAY.suffix(), retryThrottleDelay);
      retryMaxDelay = config.getDuration(prefix + StoreKeys.S3_RETRY_MAX_DELAY.suffix(), retryMaxDelay);
      callDeadline = config.getDuration(prefix + StoreKeys.S3_CALL_DEADLINE.suffix(), callDeadline);
      chunkedEncoding = config.getBoolean(prefix + StoreKeys.S3_CHUNKED_ENCODING.suffix(), chunkedEncoding);
      copyParallelism = config.getInt(prefix + StoreKeys.S3_COPY_PARALLELISM.suffix(), copyParallelism);
      config.get(prefix + StoreKeys.S3_CONNECT_TIMEOUT.suffix()).ifPresent(v -> connectTimeout = parseDuration(prefix + StoreKeys.S3_CONNECT_TIMEOUT.suffix(), v));
      config.get(prefix + StoreKeys.S3_READ_TIMEOUT.suffix()).ifPresent(v -> readTimeout = parseDuration(prefix + StoreKeys.S3_READ_TIMEOUT.suffix(), v));
      if (scheme == ObjectUri.Scheme.S3) {
        // the AWS SDK's own settings, where the store keys do not say otherwise
        SdkChecksumSettings sdk = new SdkChecksumSettings(profile);
        sdk.requestChecksumCalculation().ifPresent(v -> checksumCalculation = v);
        sdk.responseChecksumValidation().ifPresent(v -> checksumValidation = v);
      }
      config.get(prefix + StoreKeys.S3_CHECKSUM_CALCULATION.suffix()).ifPresent(v -> checksumCalculation = ChecksumMode.parse(prefix + StoreKeys.S3_CHECKSUM_CALCULATION.suffix(), v));
      config.get(prefix + StoreKeys.S3_CHECKSUM_VALIDATION.suffix()).ifPresent(v -> checksumValidation = ChecksumMode.parse(prefix + StoreKeys.S3_CHECKSUM_VALIDATION.suffix(), v));
      partSize = config.getBytes(prefix + StoreKeys.S3_PART_SIZE.suffix(), partSize);
      uploadActiveBlocks = config.getInt(prefix + StoreKeys.S3_UPLOAD_ACTIVE_BLOCKS.suffix(), uploadActiveBlocks);
      uploadBuffer = io.s3dlio.store.UploadBuffer.from(config, prefix);
      resumeAttempts = config.getInt(prefix + StoreKeys.S3_RESUME_ATTEMPTS.suffix(), resumeAttempts);
      copyMultipartThreshold = config.getBytes(prefix + StoreKeys.S3_COPY_MULTIPART_THRESHOLD.suffix(), copyMultipartThreshold);
      copyPartSize = config.getBytes(prefix + StoreKeys.S3_COPY_PART_SIZE.suffix(), copyPartSize);
      deleteParallelism = config.getInt(prefix + StoreKeys.S3_DELETE_PARALLELISM.suffix(), deleteParallelism);
      bulkDelete = config.getBoolean(prefix + StoreKeys.S3_BULK_DELETE.suffix(), bulkDelete);
      return this;
    }

    public Builder endpoint(URI value) {
      this.endpoint = value;
      return this;
    }

    public Builder region(String value) {
      this.region = value;
      return this;
    }

    public Builder pathStyle(boolean value) {
      this.pathStyle = value;
      return this;
    }

    public Builder checksums(ChecksumMode calculation, ChecksumMode validation) {
      this.checksumCalculation = calculation;
      this.checksumValidation = validation;
      return this;
    }

    /** Deletes keys one by one with {@code parallelism} at once (stores without DeleteObjects). */
    public Builder singleDeletes(int parallelism) {
      this.bulkDelete = false;
      this.deleteParallelism = parallelism;
      return this;
    }

    public Builder conditionalCreate(ConditionalCreate value) {
      this.conditionalCreate = value;
      return this;
    }

    public S3StoreConfig build() {
      return new S3StoreConfig(this);
    }
  }

  private static URI parseEndpoint(String key, String value) {
    String v = value.trim();
    try {
      URI u = URI.create(v.contains("://") ? v : "https://" + v);
      if (u.getHost() == null) {
        throw new IllegalArgumentException("no host");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Cannot read setting " + key + ": '" + value
          + "' is not an endpoint URL (e.g. http://127.0.0.1:9000)", e);
    }
  }

  /** Size parsing through {@link StoreConfig} (so the two agree on suffixes). */
  private static final class StoreConfigs {
    static long bytes(String key, String value) {
      return StoreConfig.of(java.util.Map.of(key, value)).getBytes(key, 0);
    }
  }
}
