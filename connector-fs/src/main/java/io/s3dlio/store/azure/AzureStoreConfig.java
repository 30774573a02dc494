package io.s3dlio.store.azure;

import com.azure.storage.blob.BlobServiceVersion;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreKeys;
import io.s3dlio.store.config.ConfigKey;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Settings of the Azure Blob backend ({@code az://account/container/path}), keys under
 * {@code azure.} (defined with their defaults in {@link StoreKeys}). The values are resolved once, when the store is made.
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

  // Names and defaults: StoreKeys (docs/configuration.md). Earlier names (azure.connection-string,
  // azure.account-key, azure.read-resumes, the *-ms keys) are replaced by StoreConfig, with a warning.
  static final String CONNECTION_STRING = StoreKeys.AZURE_CONNECTION_STRING.name();
  static final String ACCOUNT = StoreKeys.AZURE_ACCOUNT.name();
  static final String ACCOUNT_KEY = StoreKeys.AZURE_ACCOUNT_KEY.name();
  static final String SAS_TOKEN = StoreKeys.AZURE_SAS_TOKEN.name();
  static final String ENDPOINT = StoreKeys.AZURE_ENDPOINT.name();
  static final String AUTH = StoreKeys.AZURE_AUTH.name();
  static final String BLOCK_SIZE = StoreKeys.AZURE_BLOCK_SIZE.name();
  static final String UPLOAD_ACTIVE_BLOCKS = StoreKeys.AZURE_UPLOAD_ACTIVE_BLOCKS.name();
  static final String MAX_RETRIES = StoreKeys.AZURE_MAX_RETRIES.name();
  static final String RETRY_BASE_DELAY = StoreKeys.AZURE_RETRY_BASE_DELAY.name();
  static final String RETRY_MAX_DELAY = StoreKeys.AZURE_RETRY_MAX_DELAY.name();
  /**
   * Time budget of one request with its retries: no retry starts once it is spent (an attempt in
   * flight is bounded by {@link #READ_TIMEOUT}); then the call fails naming the operation, URI,
   * attempts and elapsed time. {@code 0} turns it off.
   */
  static final String CALL_DEADLINE = StoreKeys.AZURE_CALL_DEADLINE.name();
  static final String CONNECT_TIMEOUT = StoreKeys.AZURE_CONNECT_TIMEOUT.name();
  static final String READ_TIMEOUT = StoreKeys.AZURE_READ_TIMEOUT.name();
  static final String SERVICE_VERSION = StoreKeys.AZURE_SERVICE_VERSION.name();
  /** Times a streamed download is reopened from the last good byte without progress. */
  static final String RESUME_ATTEMPTS = StoreKeys.AZURE_RESUME_ATTEMPTS.name();
  static final String BULK_DELETE = StoreKeys.AZURE_BULK_DELETE.name();
  static final String DELETE_PARALLELISM = StoreKeys.AZURE_DELETE_PARALLELISM.name();

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
  private final int resumeAttempts;
  private final boolean batchDelete;
  private final int deleteParallelism;

  AzureStoreConfig(StoreConfig config) {
    this.connectionString = nonBlank(config, CONNECTION_STRING);
    this.account = nonBlank(config, ACCOUNT);
    this.accountKey = nonBlank(config, ACCOUNT_KEY);
    this.sasToken = nonBlank(config, SAS_TOKEN).map(s -> s.startsWith("?") ? s.substring(1) : s);
    this.endpoint = stripSlash(config.get(ENDPOINT, StoreKeys.AZURE_ENDPOINT.defaultValue()).trim());
    this.auth = Auth.parse(config.get(AUTH, StoreKeys.AZURE_AUTH.defaultValue()));
    long block = config.getBytes(BLOCK_SIZE, StoreKeys.AZURE_BLOCK_SIZE.sizeDefault());
    // Azure allows blocks up to 4000 MiB; the writer keeps each in one byte array.
    check(block >= 1 && block <= Integer.MAX_VALUE - 8, BLOCK_SIZE, block, "between 1 byte and 2 GiB");
    this.blockSize = (int) block;
    this.uploadActiveBlocks = config.getInt(UPLOAD_ACTIVE_BLOCKS, StoreKeys.AZURE_UPLOAD_ACTIVE_BLOCKS.intDefault());
    check(uploadActiveBlocks >= 2, UPLOAD_ACTIVE_BLOCKS, uploadActiveBlocks, "at least 2");
    this.uploadBuffer = io.s3dlio.store.UploadBuffer.from(config, "azure.");
    this.maxRetries = config.getInt(MAX_RETRIES, StoreKeys.AZURE_MAX_RETRIES.intDefault());
    check(maxRetries >= 0, MAX_RETRIES, maxRetries, "0 or more");
    this.retryDelay = duration(config, StoreKeys.AZURE_RETRY_BASE_DELAY);
    this.maxRetryDelay = duration(config, StoreKeys.AZURE_RETRY_MAX_DELAY);
    check(maxRetryDelay.compareTo(retryDelay) >= 0, RETRY_MAX_DELAY, maxRetryDelay, "at least " + RETRY_BASE_DELAY);
    this.callDeadline = duration(config, StoreKeys.AZURE_CALL_DEADLINE);
    this.connectTimeout = duration(config, StoreKeys.AZURE_CONNECT_TIMEOUT);
    check(!connectTimeout.isZero(), CONNECT_TIMEOUT, connectTimeout, "more than 0");
    this.readTimeout = duration(config, StoreKeys.AZURE_READ_TIMEOUT);
    check(!readTimeout.isZero(), READ_TIMEOUT, readTimeout, "more than 0");
    this.serviceVersion = nonBlank(config, SERVICE_VERSION).map(AzureStoreConfig::parseVersion).orElse(null);
    this.resumeAttempts = config.getInt(RESUME_ATTEMPTS, StoreKeys.AZURE_RESUME_ATTEMPTS.intDefault());
    check(resumeAttempts >= 0, RESUME_ATTEMPTS, resumeAttempts, "0 or more");
    String bulk = config.get(BULK_DELETE, StoreKeys.AZURE_BULK_DELETE.defaultValue()).trim().toLowerCase(Locale.ROOT);
    check(bulk.equals("batch") || bulk.equals("parallel"), BULK_DELETE, bulk, "batch or parallel");
    this.batchDelete = bulk.equals("batch");
    this.deleteParallelism = config.getInt(DELETE_PARALLELISM, StoreKeys.AZURE_DELETE_PARALLELISM.intDefault());
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

  int resumeAttempts() {
    return resumeAttempts;
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

  /** A duration key ({@code 500ms}, {@code 10s}...), 0 or more. */
  private static Duration duration(StoreConfig config, ConfigKey key) {
    Duration d = config.getDuration(key.name(), key.durationDefault());
    check(!d.isNegative(), key.name(), d, "0 or more");
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
