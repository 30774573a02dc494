package io.s3dlio.store;

import static io.s3dlio.store.config.ConfigKey.Type.BOOLEAN;
import static io.s3dlio.store.config.ConfigKey.Type.DURATION;
import static io.s3dlio.store.config.ConfigKey.Type.INT;
import static io.s3dlio.store.config.ConfigKey.Type.SECRET;
import static io.s3dlio.store.config.ConfigKey.Type.SIZE;
import static io.s3dlio.store.config.ConfigKey.Type.STRING;
import static io.s3dlio.store.config.ConfigKey.Type.URL;

import io.s3dlio.store.config.ConfigKey;
import io.s3dlio.store.config.ConfigKeySource;
import io.s3dlio.store.config.ConfigSection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The keys of the object stores, defined once: the backends read their names and defaults from
 * here, and {@code docs/configuration.md} is generated from here.
 */
public final class StoreKeys implements ConfigKeySource {

  // ---- s3:// (the gcs. keys of gs:// are derived from these, see GCS below)
  public static final ConfigKey S3_ENDPOINT = ConfigKey.of("s3.endpoint", URL, null,
      "S3-compatible endpoint (MinIO, Ceph RGW, Vast, S3Proxy, `http://127.0.0.1:9000`); unset: AWS. Path-style addressing is then on.")
      .env("AWS_ENDPOINT_URL");
  public static final ConfigKey S3_REGION = ConfigKey.of("s3.region", STRING, "us-east-1", "signing region").env("AWS_REGION");
  public static final ConfigKey S3_PATH_STYLE = ConfigKey.of("s3.path-style", BOOLEAN, null,
      "`http://host/bucket/key` instead of virtual hosts; default true when `s3.endpoint` is set, else false");
  public static final ConfigKey S3_ACCESS_KEY = ConfigKey.of("s3.access-key", SECRET, null,
      "access key id, with `s3.secret-key`; unset: the named profile, else the SDK's default chain").env("AWS_ACCESS_KEY_ID");
  public static final ConfigKey S3_SECRET_KEY = ConfigKey.of("s3.secret-key", SECRET, null, "secret access key")
      .env("AWS_SECRET_ACCESS_KEY");
  public static final ConfigKey S3_SESSION_TOKEN = ConfigKey.of("s3.session-token", SECRET, null,
      "session token of temporary credentials").env("AWS_SESSION_TOKEN");
  public static final ConfigKey S3_PROFILE = ConfigKey.of("s3.profile", STRING, null,
      "named profile of `~/.aws/credentials`, used when no explicit keys are set").env("AWS_PROFILE");
  public static final ConfigKey S3_MAX_CONNECTIONS = ConfigKey.of("s3.max-connections", INT, "64",
      "HTTP connection pool: requests in flight at once per store").env("S3DLIO_MAX_HTTP_CONNECTIONS");
  public static final ConfigKey S3_MAX_RETRIES = ConfigKey.of("s3.max-retries", INT, "7",
      "retries after the first attempt (throttling, 500/502/503/504, connection failures); exponential backoff with full jitter ([reliability](reliability.md))");
  public static final ConfigKey S3_RETRY_BASE_DELAY = ConfigKey.of("s3.retry-base-delay", DURATION, "100ms",
      "first backoff delay: the delay before retry n is random in [0, min(max, base × 2^(n-1))]");
  public static final ConfigKey S3_RETRY_THROTTLE_DELAY = ConfigKey.of("s3.retry-throttle-delay", DURATION, "500ms",
      "first backoff delay after a throttling answer");
  public static final ConfigKey S3_RETRY_MAX_DELAY = ConfigKey.of("s3.retry-max-delay", DURATION, "20s",
      "longest delay between two attempts");
  public static final ConfigKey S3_CALL_DEADLINE = ConfigKey.of("s3.call-deadline", DURATION, "15m",
      "time budget of one call, all attempts and delays included; `0`: none");
  public static final ConfigKey S3_CHUNKED_ENCODING = ConfigKey.of("s3.chunked-encoding", BOOLEAN, "true",
      "`false`: no aws-chunked bodies (Ceph RGW over http, OpenStack Swift); see [S3 compatibility](s3-compatibility.md)");
  public static final ConfigKey S3_COPY_PARALLELISM = ConfigKey.of("s3.copy-parallelism", INT, "8",
      "part copies of one multipart copy in flight at once");
  public static final ConfigKey S3_CONNECT_TIMEOUT = ConfigKey.of("s3.connect-timeout", DURATION, "10s", "TCP connect timeout");
  public static final ConfigKey S3_READ_TIMEOUT = ConfigKey.of("s3.read-timeout", DURATION, "60s",
      "longest wait for the next bytes of a response");
  public static final ConfigKey S3_CHECKSUM_CALCULATION = ConfigKey.of("s3.checksum-calculation", STRING, "when_supported",
      "`when_supported`: a CRC32C with every upload; `when_required` for stores without the SDK's flexible checksums. Unset: the SDK's own setting (`aws.requestChecksumCalculation`, `AWS_REQUEST_CHECKSUM_CALCULATION`, the profile's `request_checksum_calculation`)");
  public static final ConfigKey S3_CHECKSUM_VALIDATION = ConfigKey.of("s3.checksum-validation", STRING, "when_supported",
      "`when_supported`: check the checksum a whole-object GET returns; `when_required` as above. Unset: the SDK's own setting (`AWS_RESPONSE_CHECKSUM_VALIDATION`, the profile's)");
  public static final ConfigKey S3_PART_SIZE = ConfigKey.of("s3.part-size", SIZE, "8m",
      "part size of multipart uploads, and the size above which a streaming write becomes one (5m to 2047m; at most 10,000 parts)");
  public static final ConfigKey S3_UPLOAD_ACTIVE_BLOCKS = ConfigKey.of("s3.upload-active-blocks", INT, "4",
      "parts one writer holds at once (memory per writer = this × part size); at least 2");
  public static final ConfigKey S3_UPLOAD_BUFFER = ConfigKey.of("s3.upload-buffer", STRING, "memory",
      "`disk`: streaming uploads hold their parts in temporary files, deleted once each part is sent");
  public static final ConfigKey S3_UPLOAD_BUFFER_DIR = ConfigKey.of("s3.upload-buffer-dir", STRING, "java.io.tmpdir",
      "folder of those temporary files");
  public static final ConfigKey S3_RESUME_ATTEMPTS = ConfigKey.of("s3.resume-attempts", INT, "3",
      "a GET body that breaks is reopened from the last good byte (same ETag), this many times in a row without progress");
  public static final ConfigKey S3_COPY_MULTIPART_THRESHOLD = ConfigKey.of("s3.copy-multipart-threshold", SIZE, "5g",
      "larger objects are copied with UploadPartCopy in parts (5m to 5g)");
  public static final ConfigKey S3_COPY_PART_SIZE = ConfigKey.of("s3.copy-part-size", SIZE, "512m",
      "part size of a multipart copy (5m to 5g)");
  public static final ConfigKey S3_BULK_DELETE = ConfigKey.of("s3.bulk-delete", BOOLEAN, "true",
      "bulk deletes with DeleteObjects (1,000 keys per request); `false`: one by one (OpenStack Swift)");
  public static final ConfigKey S3_DELETE_PARALLELISM = ConfigKey.of("s3.delete-parallelism", INT, "16",
      "single deletes in flight at once when bulk delete is off");

  /** The {@code s3.} keys, in the order documented; gs:// reads the same suffixes under {@code gcs.}. */
  public static final List<ConfigKey> S3 = List.of(S3_ENDPOINT, S3_REGION, S3_PATH_STYLE, S3_ACCESS_KEY, S3_SECRET_KEY,
      S3_SESSION_TOKEN, S3_PROFILE, S3_MAX_CONNECTIONS, S3_MAX_RETRIES, S3_RETRY_BASE_DELAY, S3_RETRY_THROTTLE_DELAY,
      S3_RETRY_MAX_DELAY, S3_CALL_DEADLINE, S3_CONNECT_TIMEOUT, S3_READ_TIMEOUT, S3_RESUME_ATTEMPTS, S3_CHUNKED_ENCODING,
      S3_CHECKSUM_CALCULATION, S3_CHECKSUM_VALIDATION, S3_PART_SIZE, S3_UPLOAD_ACTIVE_BLOCKS, S3_UPLOAD_BUFFER,
      S3_UPLOAD_BUFFER_DIR, S3_COPY_PARALLELISM, S3_COPY_MULTIPART_THRESHOLD, S3_COPY_PART_SIZE, S3_BULK_DELETE,
      S3_DELETE_PARALLELISM);

  // ---- gs:// through GCS's XML API: the s3 keys under gcs., with these differences
  public static final ConfigKey GCS_ENDPOINT = S3_ENDPOINT.renamed("gcs.endpoint", "https://storage.googleapis.com",
      "XML API endpoint");
  public static final ConfigKey GCS_REGION = S3_REGION.renamed("gcs.region", "auto", "signing region (GCS expects `auto`)");
  public static final ConfigKey GCS_ACCESS_KEY = S3_ACCESS_KEY.renamed("gcs.access-key", null,
      "HMAC access id of a service account (required: no profile or default chain for gs://)");
  public static final ConfigKey GCS_SECRET_KEY = S3_SECRET_KEY.renamed("gcs.secret-key", null, "HMAC secret (required)");
  public static final ConfigKey GCS_MAX_CONNECTIONS = S3_MAX_CONNECTIONS.renamed("gcs.max-connections",
      S3_MAX_CONNECTIONS.defaultValue(), S3_MAX_CONNECTIONS.description()).env("S3DLIO_MAX_HTTP_CONNECTIONS");
  private static final Map<String, ConfigKey> GCS_DIFFERENT = Map.of(
      S3_ENDPOINT.name(), GCS_ENDPOINT,
      S3_REGION.name(), GCS_REGION,
      S3_ACCESS_KEY.name(), GCS_ACCESS_KEY,
      S3_SECRET_KEY.name(), GCS_SECRET_KEY,
      S3_MAX_CONNECTIONS.name(), GCS_MAX_CONNECTIONS,
      S3_PATH_STYLE.name(), S3_PATH_STYLE.renamed("gcs.path-style", "true", "always path-style (the setting is ignored)"),
      S3_CHECKSUM_CALCULATION.name(), S3_CHECKSUM_CALCULATION.renamed("gcs.checksum-calculation", "when_required",
          "the XML API does not take aws-chunked bodies with trailing checksums; the SDK's own setting is not read"),
      S3_CHECKSUM_VALIDATION.name(), S3_CHECKSUM_VALIDATION.renamed("gcs.checksum-validation", "when_required",
          "as `gcs.checksum-calculation`"),
      S3_BULK_DELETE.name(), S3_BULK_DELETE.renamed("gcs.bulk-delete", "false",
          "the XML API has no DeleteObjects: keys are deleted one by one"));
  /** The {@code gcs.} keys: every s3 key but the profile, under {@code gcs.}, with GCS's defaults. */
  public static final List<ConfigKey> GCS = gcsKeys();

  // ---- az://
  public static final ConfigKey AZURE_AUTH = ConfigKey.of("azure.auth", STRING, "auto",
      "`connection-string`, `shared-key`, `sas`, `default-credential`, or `auto`: the first of these whose setting is present, else `default-credential`");
  public static final ConfigKey AZURE_CONNECTION_STRING = ConfigKey.of("azure.secret-connection-string", SECRET, null,
      "connection string (endpoint and credential); its `AccountName` must be the URI's account")
      .env("AZURE_STORAGE_CONNECTION_STRING").deprecated("azure.connection-string");
  public static final ConfigKey AZURE_ACCOUNT = ConfigKey.of("azure.account", STRING, null,
      "account the key or SAS belongs to; unset: the URI's account. When set, URIs of other accounts are refused")
      .env("AZURE_STORAGE_ACCOUNT");
  public static final ConfigKey AZURE_ACCOUNT_KEY = ConfigKey.of("azure.secret-key", SECRET, null,
      "shared key (base64) of the account").env("AZURE_STORAGE_KEY").deprecated("azure.account-key");
  public static final ConfigKey AZURE_SAS_TOKEN = ConfigKey.of("azure.sas-token", SECRET, null,
      "account SAS or container SAS, with or without the leading `?`").env("AZURE_STORAGE_SAS_TOKEN");
  public static final ConfigKey AZURE_ENDPOINT = ConfigKey.of("azure.endpoint", URL, "https://{account}.blob.core.windows.net",
      "blob endpoint; `{account}` is replaced by the URI's account (Azurite: `http://127.0.0.1:10000/{account}`); ignored with a connection string");
  public static final ConfigKey AZURE_BLOCK_SIZE = ConfigKey.of("azure.block-size", SIZE, "8m",
      "staged block of a streaming upload; smaller objects are one Put Blob");
  public static final ConfigKey AZURE_UPLOAD_ACTIVE_BLOCKS = ConfigKey.of("azure.upload-active-blocks", INT, "4",
      "blocks one writer holds at once (memory per writer = this × block size); at least 2");
  public static final ConfigKey AZURE_UPLOAD_BUFFER = S3_UPLOAD_BUFFER.renamed("azure.upload-buffer",
      S3_UPLOAD_BUFFER.defaultValue(), S3_UPLOAD_BUFFER.description());
  public static final ConfigKey AZURE_UPLOAD_BUFFER_DIR = S3_UPLOAD_BUFFER_DIR.renamed("azure.upload-buffer-dir",
      S3_UPLOAD_BUFFER_DIR.defaultValue(), S3_UPLOAD_BUFFER_DIR.description());
  public static final ConfigKey AZURE_MAX_RETRIES = ConfigKey.of("azure.max-retries", INT, "4",
      "retries after the first try (429, 503 ServerBusy, 408, 500, 502, 504, timeouts, refused or reset connections)");
  public static final ConfigKey AZURE_RETRY_BASE_DELAY = ConfigKey.of("azure.retry-base-delay", DURATION, "500ms",
      "first backoff delay: the delay before retry n is random in [0, min(max, base × 2^(n-1))]")
      .deprecated("azure.retry-delay-ms");
  public static final ConfigKey AZURE_RETRY_MAX_DELAY = ConfigKey.of("azure.retry-max-delay", DURATION, "30s",
      "longest delay between two attempts").deprecated("azure.max-retry-delay-ms");
  public static final ConfigKey AZURE_CALL_DEADLINE = ConfigKey.of("azure.call-deadline", DURATION, "15m",
      "time budget of one request with its retries: no retry starts after it; `0`: none");
  public static final ConfigKey AZURE_CONNECT_TIMEOUT = ConfigKey.of("azure.connect-timeout", DURATION, "10s",
      "TCP connect timeout").deprecated("azure.connect-timeout-ms");
  public static final ConfigKey AZURE_READ_TIMEOUT = ConfigKey.of("azure.read-timeout", DURATION, "60s",
      "longest wait for a response's head, and for the next bytes of its body");
  public static final ConfigKey AZURE_RESUME_ATTEMPTS = ConfigKey.of("azure.resume-attempts", INT, "3",
      "a download that breaks is reopened from the last good byte (same ETag), this many times in a row without progress")
      .deprecated("azure.read-resumes");
  public static final ConfigKey AZURE_SERVICE_VERSION = ConfigKey.of("azure.service-version", STRING, null,
      "pins the REST API version (e.g. `2021-12-02`) for emulators; unset: the SDK's latest");
  public static final ConfigKey AZURE_BULK_DELETE = ConfigKey.of("azure.bulk-delete", STRING, "batch",
      "`batch` (Blob Batch, 256 deletes per request) or `parallel` single deletes");
  public static final ConfigKey AZURE_DELETE_PARALLELISM = ConfigKey.of("azure.delete-parallelism", INT, "16",
      "concurrent single deletes in `parallel` mode (or where the account refuses batches)");

  // ---- file:// and direct://
  public static final ConfigKey LOCAL_FSYNC = ConfigKey.of("local.fsync", BOOLEAN, "false",
      "force writes to disk before they become visible (`file://` and `direct://`)");
  public static final ConfigKey DIRECT_BUFFER_SIZE = ConfigKey.of("direct.buffer-size", SIZE, "4m",
      "aligned buffer of O_DIRECT reads and writes (4k to 1g; rounded up to the filesystem block size)");
  public static final ConfigKey DIRECT_FALLBACK = ConfigKey.of("direct.fallback", STRING, "fail",
      "`buffered`: read and write through the page cache where the filesystem refuses O_DIRECT (tmpfs before Linux 6.6, some FUSE and network filesystems)");

  // ---- every backend: metrics, the operation log, threads
  public static final ConfigKey METRICS_ENABLED = ConfigKey.of("metrics.enabled", BOOLEAN, "true",
      "latency histograms and counters per operation; `false` leaves the store unwrapped ([observability](observability.md))")
      .env("S3DLIO_METRICS");
  public static final ConfigKey OPLOG_FILE = ConfigKey.of("oplog.file", STRING, null,
      "file of the operation log (MinIO warp's zstd TSV); unset: off").env("S3DLIO_OPLOG");
  public static final ConfigKey OPLOG_ZSTD_LEVEL = ConfigKey.of("oplog.zstd-level", INT, "1", "zstd level of the log (1 to 22)")
      .env("S3DLIO_OPLOG_LEVEL");
  public static final ConfigKey OPLOG_QUEUE_SIZE = ConfigKey.of("oplog.queue-size", INT, "8192",
      "records the log's queue holds before it drops or waits").env("S3DLIO_OPLOG_BUF");
  public static final ConfigKey OPLOG_LOSSLESS = ConfigKey.of("oplog.lossless", BOOLEAN, "false",
      "when the queue is full: `false` drops and counts the record; `true` makes the I/O thread wait (at most `oplog.max-wait`), then drop and count")
      .env("S3DLIO_OPLOG_LOSSLESS");
  public static final ConfigKey OPLOG_MAX_WAIT = ConfigKey.of("oplog.max-wait", DURATION, "1s",
      "longest wait of a lossless log for room in its queue, per record").deprecated("oplog.max-wait-ms");
  public static final ConfigKey RANGE_CONCURRENCY = ConfigKey.of("range-concurrency", INT, "8",
      "concurrent ranged GETs of one large object downloaded to a local file (`s3dlio get`, `s3dlio cp`)")
      .env("S3DLIO_RANGE_CONCURRENCY");
  public static final ConfigKey RANGE_PART_SIZE = ConfigKey.of("range-part-size", SIZE, "8m",
      "bytes per ranged GET of those downloads").env("S3DLIO_RANGE_PART_SIZE");

  private static List<ConfigKey> gcsKeys() {
    List<ConfigKey> out = new ArrayList<>();
    for (ConfigKey k : S3) {
      if (k == S3_PROFILE) {
        continue;
      }
      ConfigKey g = GCS_DIFFERENT.get(k.name());
      out.add(g != null ? g : k.renamed("gcs." + k.suffix(), k.defaultValue(), k.description()));
    }
    return List.copyOf(out);
  }

  @Override
  public int order() {
    return 0;
  }

  @Override
  public List<ConfigSection> sections() {
    return List.of(
        new ConfigSection("S3 (s3://)", "The S3 backend (AWS SDK v2). Which S3-compatible servers need which settings: "
            + "[S3 compatibility](s3-compatibility.md); retries and deadlines: [reliability](reliability.md).", S3),
        new ConfigSection("GCS (gs://)", "gs:// goes through GCS's S3-compatible XML API with HMAC keys, on the S3 backend: "
            + "every `s3.` key below is read under `gcs.`, with GCS's defaults where they differ. It has been tested against "
            + "an S3-compatible server (S3Proxy), not against Google Cloud Storage: see [GCS](gcs.md).", GCS),
        new ConfigSection("Azure (az://)", "The Azure Blob backend: [Azure](azure.md).", List.of(AZURE_AUTH,
            AZURE_CONNECTION_STRING, AZURE_ACCOUNT, AZURE_ACCOUNT_KEY, AZURE_SAS_TOKEN, AZURE_ENDPOINT, AZURE_MAX_RETRIES,
            AZURE_RETRY_BASE_DELAY, AZURE_RETRY_MAX_DELAY, AZURE_CALL_DEADLINE, AZURE_CONNECT_TIMEOUT, AZURE_READ_TIMEOUT,
            AZURE_RESUME_ATTEMPTS, AZURE_BLOCK_SIZE, AZURE_UPLOAD_ACTIVE_BLOCKS, AZURE_UPLOAD_BUFFER, AZURE_UPLOAD_BUFFER_DIR,
            AZURE_SERVICE_VERSION, AZURE_BULK_DELETE, AZURE_DELETE_PARALLELISM)),
        new ConfigSection("Local files (file://, direct://)", "", List.of(LOCAL_FSYNC, DIRECT_BUFFER_SIZE, DIRECT_FALLBACK)),
        new ConfigSection("Metrics, operation log, downloads", "Every backend: [observability](observability.md).",
            List.of(METRICS_ENABLED, OPLOG_FILE, OPLOG_ZSTD_LEVEL, OPLOG_QUEUE_SIZE, OPLOG_LOSSLESS, OPLOG_MAX_WAIT, RANGE_CONCURRENCY,
                RANGE_PART_SIZE)));
  }
}
