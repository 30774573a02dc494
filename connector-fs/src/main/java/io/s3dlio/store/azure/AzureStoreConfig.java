package io.s3dlio.store.azure;

import com.azure.storage.blob.BlobServiceVersion;
import io.s3dlio.store.StoreConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Settings of the Azure Blob backend ({@code az://account/container/path}), keys under
 * {@code azure.}, each next to its default. The values are resolved once, when the store is made.
 *
 * <p>Credentials ({@link #AUTH}):
 * <ul>
 *   <li>{@code connection-string}: {@link #CONNECTION_STRING} (endpoint and credential in one; its
 *       {@code AccountName} must be the account of the URI);</li>
 *   <li>{@code shared-key}: {@link #ACCOUNT_KEY} for the URI's account (or {@link #ACCOUNT} when set,
 *       which must then equal the URI's account);</li>
 *   <li>{@code sas}: {@link #SAS_TOKEN}, an account SAS or a container SAS;</li>
 *   <li>{@code default-credential}: azure-identity's {@code DefaultAzureCredential} (environment,
 *       workload identity, managed identity, Azure CLI...). It gets OAuth tokens that are only
 *       accepted over https, so it cannot be tested against the Azurite emulator (plain http).</li>
 *   <li>{@code auto} (default): the first of the above whose setting is present, in that order,
 *       falling back to {@code default-credential}.</li>
 * </ul>
 * None of the secret values is ever logged or put in an exception message.
 */
final class AzureStoreConfig {

  /**
   * Full connection string ({@code AccountName=...;AccountKey=...;BlobEndpoint=...}); env
   * AZURE_STORAGE_CONNECTION_STRING. The name holds "secret" so that Spark's default
   * {@code spark.redaction.regex} hides it; {@link #CONNECTION_STRING_OLD} is still read.
   */
  static final String CONNECTION_STRING = "azure.secret-connection-string";
  /** The earlier name of {@link #CONNECTION_STRING} (not redacted by Spark's default pattern). */
  static final String CONNECTION_STRING_OLD = "azure.connection-string";

  /** Storage account the key or SAS belongs to; env AZURE_STORAGE_ACCOUNT. Unset: the URI's account. */
  static final String ACCOUNT = "azure.account";

  /**
   * Shared key (base64) of the account; env AZURE_STORAGE_KEY. The name holds "secret" so that
   * Spark's default {@code spark.redaction.regex} hides it; {@link #ACCOUNT_KEY_OLD} is still read.
   */
  static final String ACCOUNT_KEY = "azure.secret-key";
  /** The earlier name of {@link #ACCOUNT_KEY} (not redacted by Spark's default pattern). */
  static final String ACCOUNT_KEY_OLD = "azure.account-key";

  /** Shared access signature, with or without the leading '?'; env AZURE_STORAGE_SAS_TOKEN. */
  static final String SAS_TOKEN = "azure.sas-token";

  /**
   * Blob endpoint; {@code {account}} is replaced by the URI's account. Azurite:
   * {@code http://127.0.0.1:10000/{account}}. Ignored with a connection string (it has its own).
   */
  static final String ENDPOINT = "azure.endpoint";
  static final String ENDPOINT_DEFAULT = "https://{account}.blob.core.windows.net";

  /** How to authenticate: auto, connection-string, shared-key, sas, default-credential. */
  static final String AUTH = "azure.auth";
  static final String AUTH_DEFAULT = "auto";

  /** Size of one staged block of a streaming upload; objects smaller than one block are sent in one request. */
  static final String BLOCK_SIZE = "azure.block-size";
  static final long BLOCK_SIZE_DEFAULT = 8L << 20;

  /** Blocks one writer holds at once (filling + uploading): memory per writer is this times the block size. */
  static final String UPLOAD_ACTIVE_BLOCKS = "azure.upload-active-blocks";
  static final int UPLOAD_ACTIVE_BLOCKS_DEFAULT = 4;

  /**
   * Retries of a failed request (throttling 429/503, 408, 500, 502, 504, timeouts, refused or reset
   * connections), after the first try; exponential backoff with full jitter ({@link AzureRetryPolicy}).
   */
  static final String MAX_RETRIES = "azure.max-retries";
  static final int MAX_RETRIES_DEFAULT = 4;

  /** First backoff delay: the delay before retry n is random in [0, min(max, base * 2^(n-1))]. */
  static final String RETRY_BASE_DELAY = "azure.retry-base-delay";
  static final String RETRY_BASE_DELAY_DEFAULT = "500ms";

  /** Longest delay between two attempts. */
  static final String RETRY_MAX_DELAY = "azure.retry-max-delay";
  static final String RETRY_MAX_DELAY_DEFAULT = "30s";

  /**
   * Time budget of one request with its retries: no retry starts once it is spent (an attempt in
   * flight is bounded by {@link #READ_TIMEOUT}); then the call fails naming the operation, URI,
   * attempts and elapsed time. {@code 0} turns it off.
   */
  static final String CALL_DEADLINE = "azure.call-deadline";
  static final String CALL_DEADLINE_DEFAULT = "15m";

  /** TCP connect timeout. */
  static final String CONNECT_TIMEOUT = "azure.connect-timeout";
  static final String CONNECT_TIMEOUT_DEFAULT = "10s";

  /** Longest wait for a response's head, and for the next bytes of its body. */
  static final String READ_TIMEOUT = "azure.read-timeout";
  static final String READ_TIMEOUT_DEFAULT = "60s";

  /** The millisecond keys of earlier versions, still read when the new key is absent. */
  private static final java.util.Map<String, String> DEPRECATED_MS_KEYS = java.util.Map.of(
      RETRY_BASE_DELAY, "azure.retry-delay-ms",
      RETRY_MAX_DELAY, "azure.max-retry-delay-ms",
      CONNECT_TIMEOUT, "azure.connect-timeout-ms");

  /**
   * Pins the REST API version (e.g. {@code 2021-12-02}) for emulators that refuse the SDK's newest
   * one (Azurite without {@code --skipApiVersionCheck}). Unset: the SDK's latest.
   */
  static final String SERVICE_VERSION = "azure.service-version";

  /** Times a streamed download is reopened from the last good byte without progress. */
  static final String READ_RESUMES = "azure.read-resumes";
  static final int READ_RESUMES_DEFAULT = 3;

  /** How bulk deletes go: {@code batch} (Blob Batch, 256 per request) or {@code parallel} single deletes. */
  static final String BULK_DELETE = "azure.bulk-delete";
  static final String BULK_DELETE_DEFAULT = "batch";

  /** Concurrent single deletes when bulk delete is {@code parallel} (or the account refuses batches). */
  static final String DELETE_PARALLELISM = "azure.delete-parallelism";
  static final int DELETE_PARALLELISM_DEFAULT = 16;

  enum Auth {
    AUTO, CONNECTION_STRING, SHARED_KEY, SAS, DEFAULT_CREDENTIAL;

    static Auth parse(String s) {
      String t = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
      for (Auth a : values()) {
        if (a.name().equals(t)) {
          return a;
        }
      }
      throw new IllegalArgumentException("Cannot read setting " + AUTH + ": '" + s
          + "' (expected auto, connection-string, shared-key, sas or default-credential)");
    }
  }

  private final Optional<String> connectionString;
  private final Optional<String> account;
  private final Optional<String> accountKey;
  private final Optional<String> sasToken;
  private final String endpoint;
  private final Auth auth;
  private final int blockSize;
  private final int uploadActiveBlocks;
  private final io.s3dlio.store.UploadBuffer uploadBuffer;
  private final int maxRetries;
  private final Duration retryDelay;
  private final Duration maxRetryDelay;
  private final Duration callDeadline;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final BlobServiceVersion serviceVersion;
  private final int readResumes;
  private final boolean batchDelete;
  private final int deleteParallelism;

  AzureStoreConfig(StoreConfig config) {
    this.connectionString = nonBlank(config, CONNECTION_STRING).or(() -> nonBlank(config, CONNECTION_STRING_OLD));
    this.account = nonBlank(config, ACCOUNT);
    this.accountKey = nonBlank(config, ACCOUNT_KEY).or(() -> nonBlank(config, ACCOUNT_KEY_OLD));
    this.sasToken = nonBlank(config, SAS_TOKEN).map(s -> s.startsWith("?") ? s.substring(1) : s);
    this.endpoint = stripSlash(config.get(ENDPOINT, ENDPOINT_DEFAULT).trim());
    this.auth = Auth.parse(config.get(AUTH, AUTH_DEFAULT));
    long block = config.getBytes(BLOCK_SIZE, BLOCK_SIZE_DEFAULT);
    // Azure allows blocks up to 4000 MiB; the writer keeps each in one byte array.
    check(block >= 1 && block <= Integer.MAX_VALUE - 8, BLOCK_SIZE, block, "between 1 byte and 2 GiB");
    this.blockSize = (int) block;
    this.uploadActiveBlocks = config.getInt(UPLOAD_ACTIVE_BLOCKS, UPLOAD_ACTIVE_BLOCKS_DEFAULT);
    check(uploadActiveBlocks >= 2, UPLOAD_ACTIVE_BLOCKS, uploadActiveBlocks, "at least 2");
    this.uploadBuffer = io.s3dlio.store.UploadBuffer.from(config, "azure.");
    this.maxRetries = config.getInt(MAX_RETRIES, MAX_RETRIES_DEFAULT);
    check(maxRetries >= 0, MAX_RETRIES, maxRetries, "0 or more");
    this.retryDelay = duration(config, RETRY_BASE_DELAY, RETRY_BASE_DELAY_DEFAULT);
    this.maxRetryDelay = duration(config, RETRY_MAX_DELAY, RETRY_MAX_DELAY_DEFAULT);
    check(maxRetryDelay.compareTo(retryDelay) >= 0, RETRY_MAX_DELAY, maxRetryDelay, "at least " + RETRY_BASE_DELAY);
    this.callDeadline = duration(config, CALL_DEADLINE, CALL_DEADLINE_DEFAULT);
    this.connectTimeout = duration(config, CONNECT_TIMEOUT, CONNECT_TIMEOUT_DEFAULT);
    check(!connectTimeout.isZero(), CONNECT_TIMEOUT, connectTimeout, "more than 0");
    this.readTimeout = duration(config, READ_TIMEOUT, READ_TIMEOUT_DEFAULT);
    check(!readTimeout.isZero(), READ_TIMEOUT, readTimeout, "more than 0");
    this.serviceVersion = nonBlank(config, SERVICE_VERSION).map(AzureStoreConfig::parseVersion).orElse(null);
    this.readResumes = config.getInt(READ_RESUMES, READ_RESUMES_DEFAULT);
    check(readResumes >= 0, READ_RESUMES, readResumes, "0 or more");
    String bulk = config.get(BULK_DELETE, BULK_DELETE_DEFAULT).trim().toLowerCase(Locale.ROOT);
    check(bulk.equals("batch") || bulk.equals("parallel"), BULK_DELETE, bulk, "batch or parallel");
    this.batchDelete = bulk.equals("batch");
    this.deleteParallelism = config.getInt(DELETE_PARALLELISM, DELETE_PARALLELISM_DEFAULT);
    check(deleteParallelism >= 1, DELETE_PARALLELISM, deleteParallelism, "at least 1");
  }

  Optional<String> connectionString() {
    return connectionString;
  }

  Optional<String> account() {
    return account;
  }

  Optional<String> accountKey() {
    return accountKey;
  }

  Optional<String> sasToken() {
    return sasToken;
  }

  /** The blob endpoint of {@code accountName}, without a trailing '/'. */
  String endpointFor(String accountName) {
    return endpoint.replace("{account}", accountName);
  }

  /** The configured method, with {@code auto} resolved by the settings present. */
  Auth effectiveAuth() {
    if (auth != Auth.AUTO) {
      return auth;
    }
    if (connectionString.isPresent()) {
      return Auth.CONNECTION_STRING;
    }
    if (accountKey.isPresent()) {
      return Auth.SHARED_KEY;
    }
    if (sasToken.isPresent()) {
      return Auth.SAS;
    }
    return Auth.DEFAULT_CREDENTIAL;
  }

  int blockSize() {
    return blockSize;
  }

  /** Where streaming uploads buffer their blocks ({@code azure.upload-buffer} = memory | disk). */
  io.s3dlio.store.UploadBuffer uploadBuffer() {
    return uploadBuffer;
  }

  int uploadActiveBlocks() {
    return uploadActiveBlocks;
  }

  int maxRetries() {
    return maxRetries;
  }

  Duration retryDelay() {
    return retryDelay;
  }

  Duration maxRetryDelay() {
    return maxRetryDelay;
  }

  /** The time budget of one request and its retries, {@link Duration#ZERO} for none. */
  Duration callDeadline() {
    return callDeadline;
  }

  Duration connectTimeout() {
    return connectTimeout;
  }

  Duration readTimeout() {
    return readTimeout;
  }

  /** The pinned REST API version, or null for the SDK's latest. */
  BlobServiceVersion serviceVersion() {
    return serviceVersion;
  }

  int readResumes() {
    return readResumes;
  }

  boolean batchDelete() {
    return batchDelete;
  }

  int deleteParallelism() {
    return deleteParallelism;
  }

  private static BlobServiceVersion parseVersion(String v) {
    for (BlobServiceVersion s : BlobServiceVersion.values()) {
      if (s.getVersion().equals(v.trim())) {
        return s;
      }
    }
    throw new IllegalArgumentException("Cannot read setting " + SERVICE_VERSION + ": '" + v
        + "' is not a version this SDK knows (latest is " + BlobServiceVersion.getLatest().getVersion() + ")");
  }

  private static Optional<String> nonBlank(StoreConfig config, String key) {
    return config.get(key).map(String::trim).filter(s -> !s.isEmpty());
  }

  /** A duration key ({@code 500ms}, {@code 10s}...), or its deprecated millisecond key. */
  private static Duration duration(StoreConfig config, String key, String defaultValue) {
    String old = DEPRECATED_MS_KEYS.get(key);
    Duration d;
    if (config.get(key).isEmpty() && old != null && config.get(old).isPresent()) {
      d = StoreConfig.parseDuration(old, config.get(old).get()); // a plain number is milliseconds
    } else {
      d = config.getDuration(key, StoreConfig.parseDuration(key, defaultValue));
    }
    check(!d.isNegative(), config.get(key).isPresent() || old == null ? key : old, d, "0 or more");
    return d;
  }

  private static void check(boolean ok, String key, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException("Cannot read setting " + key + ": " + value + " (expected " + expected + ")");
    }
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
