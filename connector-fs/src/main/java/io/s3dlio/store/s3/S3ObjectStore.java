package io.s3dlio.store.s3;

import io.s3dlio.store.DeleteFailure;
import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ListingPages;
import io.s3dlio.store.ObjectChangedException;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.ResumingInputStream;
import io.s3dlio.store.StoreErrors;
import io.s3dlio.store.StoreException;
import io.s3dlio.store.WriteOptions;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * {@link ObjectStore} over the S3 API with AWS SDK v2 and the Apache HTTP client; also serves
 * gs:// through GCS's S3-compatible XML API (see {@link S3StoreConfig#conditionalCreate()} and
 * {@link S3StoreConfig#bulkDelete()} for the differences).
 *
 * <p>Retries: every SDK call retries inside the SDK (standard strategy, {@link S3StoreConfig#MAX_RETRIES});
 * a GET body that fails mid-way is reopened from the last good byte by {@link ResumingInputStream}
 * ({@link S3StoreConfig#RESUME_ATTEMPTS}), pinned to the first response's ETag with {@code If-Match}
 * so that a changed object fails the read instead of mixing two versions. No method adds another
 * retry loop. All SDK exceptions are translated once, by {@link S3Errors}.
 */
final class S3ObjectStore implements ObjectStore {
  private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);
  private static final AtomicInteger STORES = new AtomicInteger();
  private static final int DELETE_PAGE = 1000;
  private static final String GCS_GENERATION_MATCH = "x-goog-if-generation-match";

  private final S3StoreConfig config;
  private final SdkHttpClient http;
  private final S3Client s3;
  /**
   * Runs upload parts, part copies and single deletes: daemon threads, at most as many as the
   * connection pool has connections (more could only wait for a connection).
   */
  private final ExecutorService executor;
  private final boolean crc32c;
  /** User metadata key (x-amz-meta-...) of the unique id of a create-only or multipart write. */
  static final String WRITE_ID = "s3dlio-write-id";

  S3ObjectStore(S3StoreConfig config) {
    this.config = config;
    this.crc32c = config.checksumCalculation() == S3StoreConfig.ChecksumMode.WHEN_SUPPORTED;
    ApacheHttpClient.Builder hb = ApacheHttpClient.builder()
        .maxConnections(config.maxConnections())
        .connectionTimeout(config.connectTimeout())
        .socketTimeout(config.readTimeout());
    if (config.endpoint() != null && "http".equalsIgnoreCase(config.endpoint().getScheme())) {
      hb.socketFactory(new LazyTlsSocketFactory()); // no TLS set-up for a plain-http endpoint
    }
    this.http = hb.build();
    S3ClientBuilder b = S3Client.builder()
        .httpClient(http)
        .region(Region.of(config.region()))
        .forcePathStyle(config.pathStyle())
        .credentialsProvider(credentials(config))
        .requestChecksumCalculation(config.checksumCalculation() == S3StoreConfig.ChecksumMode.WHEN_SUPPORTED
            ? RequestChecksumCalculation.WHEN_SUPPORTED : RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(config.checksumValidation() == S3StoreConfig.ChecksumMode.WHEN_SUPPORTED
            ? ResponseChecksumValidation.WHEN_SUPPORTED : ResponseChecksumValidation.WHEN_REQUIRED)
        .serviceConfiguration(c -> c.chunkedEncodingEnabled(config.chunkedEncoding()))
        .overrideConfiguration(o -> {
          o.retryStrategy(retryStrategy(config));
          o.addExecutionInterceptor(new AttemptCounter());
          if (!config.callDeadline().isZero()) {
            o.apiCallTimeout(config.callDeadline());
          }
        });
    if (config.endpoint() != null) {
      b.endpointOverride(config.endpoint());
    }
    try {
      this.s3 = b.build();
    } catch (RuntimeException e) {
      http.close();
      throw e;
    }
    int id = STORES.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory tf = r -> {
      Thread t = new Thread(r, "s3dlio-" + config.scheme().id() + "-" + id + "-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(
        config.maxConnections(), config.maxConnections(), 30, java.util.concurrent.TimeUnit.SECONDS,
        new java.util.concurrent.LinkedBlockingQueue<>(), tf);
    pool.allowCoreThreadTimeOut(true);
    this.executor = pool;
    LOG.debug("Opened {}", config);
  }

  static RetryStrategy retryStrategy(S3StoreConfig config) {
    return AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(config.maxRetries() + 1)
        // exponentialDelay: full jitter, random in [0, min(max, base * 2^(attempt - 1))]
        .backoffStrategy(BackoffStrategy.exponentialDelay(config.retryBaseDelay(), config.retryMaxDelay()))
        .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(config.retryThrottleDelay(),
            config.retryMaxDelay()))
        .circuitBreakerEnabled(false)
        .build();
  }

  private static AwsCredentialsProvider credentials(S3StoreConfig c) {
    if (c.accessKey() != null) {
      return StaticCredentialsProvider.create(c.sessionToken() != null
          ? AwsSessionCredentials.create(c.accessKey(), c.secretKey(), c.sessionToken())
          : AwsBasicCredentials.create(c.accessKey(), c.secretKey()));
    }
    if (c.profile() != null) {
      return ProfileCredentialsProvider.builder().profileName(c.profile()).build();
    }
    return DefaultCredentialsProvider.builder().build();
  }

  S3StoreConfig config() {
    return config;
  }

  @Override
  public ObjectUri.Scheme scheme() {
    return config.scheme();
  }

  private void checkScheme(ObjectUri uri) {
    if (uri.scheme() != config.scheme()) {
      throw new IllegalArgumentException("Cannot use " + uri + " with the " + config.scheme().id() + ":// store");
    }
  }

  /** Translates a failed SDK call that started at {@code t0}, with its attempts and duration. */
  private IOException fail(String op, Object target, String bucket, SdkException e, long t0) {
    return S3Errors.translate(op, target, bucket, e, t0, config.keyPrefix() + "call-deadline");
  }

  // ---------------------------------------------------------------- reads

  @Override
  public byte[] get(ObjectUri uri) throws IOException {
    checkScheme(uri);
    String[] etag = new String[1];
    ResumingInputStream.Body first = openBody(uri, 0, -1, etag);
    long size = first.contentLength();
    if (size > Integer.MAX_VALUE - 8) {
      first.stream().close();
      throw new StoreException(StoreErrors.message("get", uri, "object of " + size
          + " bytes is too large for one array (use openRange)"), null);
    }
    boolean[] opened = new boolean[1];
    ResumingInputStream.Opener opener = (off, len) -> {
      if (!opened[0]) {
        opened[0] = true;
        return first;
      }
      return openBody(uri, off, len, etag);
    };
    try (InputStream in = new ResumingInputStream(uri, 0, -1, opener, config.resumeAttempts())) {
      byte[] data = new byte[(int) size];
      int n = in.readNBytes(data, 0, data.length);
      if (n != data.length || in.read() >= 0) {
        throw new StoreException(StoreErrors.message("get", uri, "expected " + size + " bytes, got "
            + (n == data.length ? "more" : String.valueOf(n))), null);
      }
      return data;
    }
  }

  @Override
  public byte[] getRange(ObjectUri uri, long offset, int length) throws IOException {
    if (length < 0 || offset < 0) {
      throw new IllegalArgumentException("Cannot read " + uri + ": offset " + offset + " length " + length);
    }
    if (length == 0) {
      stat(uri);
      return new byte[0];
    }
    try (InputStream in = openRange(uri, offset, length)) {
      return in.readNBytes(length);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Returns a {@link ResumingInputStream} (its {@code resumes()} counts the reopened bodies),
   * except for {@code length == 0}.
   */
  @Override
  public InputStream openRange(ObjectUri uri, long offset, long length) throws IOException {
    return openRange(uri, offset, length, null);
  }

  @Override
  public InputStream openRange(ObjectUri uri, long offset, long length, String pinnedEtag) throws IOException {
    checkScheme(uri);
    if (offset < 0) {
      throw new IllegalArgumentException("Cannot read " + uri + ": negative offset " + offset);
    }
    if (length == 0) {
      ObjectStat st = stat(uri);
      if (pinnedEtag != null && !pinnedEtag.equals(st.etag())) {
        throw changed(uri, offset, pinnedEtag, st.etag(), null);
      }
      return InputStream.nullInputStream();
    }
    String[] etag = {pinnedEtag};
    ResumingInputStream.Opener opener = (off, len) -> openBody(uri, off, len, etag);
    return new ResumingInputStream(uri, offset, length, opener, config.resumeAttempts());
  }

  private ResumingInputStream.Body openBody(ObjectUri uri, long offset, long length, String[] etag)
      throws IOException {
    GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(uri.bucket()).key(uri.key());
    if (length > 0) {
      req.range("bytes=" + offset + "-" + (offset + length - 1));
    } else if (offset > 0) {
      req.range("bytes=" + offset + "-");
    }
    if (etag[0] != null) {
      req.ifMatch(quoted(etag[0]));
    }
    ResponseInputStream<GetObjectResponse> body;
    long t0 = System.nanoTime();
    try {
      body = s3.getObject(req.build());
    } catch (SdkException e) {
      if (etag[0] != null && S3Errors.status(e) == 412) {
        throw changed(uri, offset, etag[0], currentEtag(uri), e);
      }
      throw fail("read", describeRange(uri, offset, length), uri.bucket(), e, t0);
    }
    GetObjectResponse r = body.response();
    String got = unquote(r.eTag());
    if (etag[0] == null) {
      etag[0] = got;
    } else if (got != null && !got.equals(etag[0])) {
      // a store that ignored If-Match
      body.abort();
      throw changed(uri, offset, etag[0], got, null);
    }
    long contentLength = r.contentLength() == null ? Long.MAX_VALUE : r.contentLength();
    return new ResumingInputStream.Body(new Body(body, contentLength), contentLength, etag[0]);
  }

  /** The object's ETag now, or a word saying why there is none (for messages only). */
  private String currentEtag(ObjectUri uri) {
    try {
      return stat(uri).etag();
    } catch (java.io.FileNotFoundException e) {
      return "(deleted)";
    } catch (IOException e) {
      return null;
    }
  }

  private static ObjectChangedException changed(ObjectUri uri, long offset, String expected, String actual,
      Throwable cause) {
    return new ObjectChangedException(StoreErrors.message("read", uri, "the object changed while it was read (at offset "
        + offset + ": ETag was " + expected + ", is now " + (actual == null ? "unknown" : actual) + ")"),
        expected, actual, cause);
  }

  private static String describeRange(ObjectUri uri, long offset, long length) {
    return uri + (offset == 0 && length < 0 ? "" : " (offset " + offset + (length < 0 ? "" : ", length " + length) + ")");
  }

  /**
   * One GET body. Turns SDK runtime exceptions into {@link IOException}s (so they are resumed),
   * and aborts the connection rather than draining it when closed before the end.
   */
  private static final class Body extends FilterInputStream {
    private final ResponseInputStream<GetObjectResponse> response;
    private long left;

    Body(ResponseInputStream<GetObjectResponse> response, long contentLength) {
      super(response);
      this.response = response;
      this.left = contentLength;
    }

    @Override
    public int read() throws IOException {
      try {
        int b = super.read();
        if (b >= 0) {
          left--;
        }
        return b;
      } catch (SdkException e) {
        throw new IOException(e.getMessage(), e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        int n = super.read(b, off, len);
        if (n > 0) {
          left -= n;
        }
        return n;
      } catch (SdkException e) {
        throw new IOException(e.getMessage(), e);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        if (left > 0) {
          response.abort();
        }
        response.close();
      } catch (SdkException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }

  @Override
  public ObjectStat stat(ObjectUri uri) throws IOException {
    checkScheme(uri);
    HeadObjectResponse r;
    try {
      r = s3.headObject(HeadObjectRequest.builder().bucket(uri.bucket()).key(uri.key()).build());
    } catch (SdkException e) {
      throw S3Errors.translateHead("stat", uri, uri.bucket(), e);
    }
    return new ObjectStat(uri, r.contentLength() == null ? 0 : r.contentLength(), r.lastModified(), unquote(r.eTag()));
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(ObjectUri uri, byte[] data, WriteOptions options) throws IOException {
    checkScheme(uri);
    putBytes(uri, data, data.length, options);
  }

  private void putBytes(ObjectUri uri, byte[] data, int length, WriteOptions options) throws IOException {
    PutObjectRequest.Builder req = PutObjectRequest.builder().bucket(uri.bucket()).key(uri.key())
        .contentLength((long) length);
    if (options.contentType() != null) {
      req.contentType(options.contentType());
    }
    if (crc32c) {
      req.checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
    }
    String writeId = null;
    if (options.ifNoneMatch()) {
      writeId = UUID.randomUUID().toString();
      req.metadata(Map.of(WRITE_ID, writeId));
      if (config.conditionalCreate() == S3StoreConfig.ConditionalCreate.IF_NONE_MATCH) {
        req.ifNoneMatch("*");
      } else {
        req.overrideConfiguration(AwsRequestOverrideConfiguration.builder().putHeader(GCS_GENERATION_MATCH, "0").build());
      }
    }
    long t0 = System.nanoTime();
    try {
      s3.putObject(req.build(), RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length),
          length, options.contentType() != null ? options.contentType() : "application/octet-stream"));
    } catch (SdkException e) {
      if (writeId != null && S3Errors.status(e) == 412 && isOwnWrite(uri, writeId, e)) {
        return;
      }
      throw fail("put", uri, uri.bucket(), e, t0);
    }
  }

  /**
   * Whether the object at {@code uri} is the one written with {@code writeId}: a create whose
   * answer was lost and whose retry then found the object (412) or no upload (NoSuchUpload).
   */
  private boolean isOwnWrite(ObjectUri uri, String writeId, SdkException failure) {
    try {
      HeadObjectResponse r = s3.headObject(HeadObjectRequest.builder().bucket(uri.bucket()).key(uri.key()).build());
      boolean own = writeId.equals(r.metadata().get(WRITE_ID));
      if (own) {
        LOG.debug("write {}: a retried request found the object its own earlier attempt wrote ({} attempts)", uri,
            S3Errors.attempts(failure));
      }
      return own;
    } catch (SdkException e) {
      return false;
    }
  }

  @Override
  public ObjectWriter openWriter(ObjectUri uri, WriteOptions options) throws IOException {
    checkScheme(uri);
    return new MultipartWriter(uri, options);
  }

  /** A streaming write: one PutObject when it fits in one part, else a multipart upload. */
  private final class MultipartWriter extends io.s3dlio.store.BlockUploadWriter<CompletedPart> {
    private final WriteOptions options;
    private final String writeId = UUID.randomUUID().toString();
    private volatile String uploadId;

    MultipartWriter(ObjectUri uri, WriteOptions options) {
      super(uri, (int) config.partSize(), config.uploadActiveBlocks(), executor, config.uploadBuffer());
      this.options = options;
    }

    private boolean checkedCreate() {
      return options.ifNoneMatch() && config.conditionalCreate() == S3StoreConfig.ConditionalCreate.GCS_GENERATION_MATCH;
    }

    @Override
    protected void begin() throws IOException {
      if (checkedCreate()) {
        refuseExisting();
      }
      CreateMultipartUploadRequest.Builder req = CreateMultipartUploadRequest.builder()
          .bucket(uri.bucket()).key(uri.key()).metadata(Map.of(WRITE_ID, writeId));
      if (options.contentType() != null) {
        req.contentType(options.contentType());
      }
      if (crc32c) {
        req.checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
      }
      long t0 = System.nanoTime();
      try {
        uploadId = s3.createMultipartUpload(req.build()).uploadId();
      } catch (SdkException e) {
        throw fail("write", uri, uri.bucket(), e, t0);
      }
    }

    @Override
    protected CompletedPart uploadBlock(int number, io.s3dlio.store.UploadBlock block) throws IOException {
      int length = block.length();
      if (number > S3StoreConfig.MAX_PARTS) {
        throw new StoreException(StoreErrors.message("write", uri, "more than " + S3StoreConfig.MAX_PARTS
            + " parts of " + config.partSize() + " bytes; raise " + config.keyPrefix() + "part-size"), null);
      }
      UploadPartRequest.Builder req = UploadPartRequest.builder().bucket(uri.bucket()).key(uri.key())
          .uploadId(uploadId).partNumber(number).contentLength((long) length);
      if (crc32c) {
        req.checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
      }
      long t0 = System.nanoTime();
      try {
        UploadPartResponse r = s3.uploadPart(req.build(), RequestBody.fromContentProvider(() -> {
          try {
            return block.newStream();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }, length, "application/octet-stream"));
        return CompletedPart.builder().partNumber(number).eTag(r.eTag()).checksumCRC32C(r.checksumCRC32C()).build();
      } catch (SdkException e) {
        throw fail("write", uri + " (part " + number + ")", uri.bucket(), e, t0);
      }
    }

    @Override
    protected void complete(List<CompletedPart> blocks) throws IOException {
      if (checkedCreate()) {
        refuseExisting();
      }
      CompleteMultipartUploadRequest.Builder req = CompleteMultipartUploadRequest.builder()
          .bucket(uri.bucket()).key(uri.key()).uploadId(uploadId)
          .multipartUpload(CompletedMultipartUpload.builder().parts(blocks).build());
      if (options.ifNoneMatch() && config.conditionalCreate() == S3StoreConfig.ConditionalCreate.IF_NONE_MATCH) {
        req.ifNoneMatch("*");
      }
      long t0 = System.nanoTime();
      try {
        s3.completeMultipartUpload(req.build());
      } catch (SdkException e) {
        // a retry of a completion whose answer was lost fails however the store words it (the
        // upload is gone: NoSuchUpload, InvalidPart; create-only: 412) because the first attempt
        // completed it: the object then carries this writer's id
        if (isOwnWrite(uri, writeId, e)) {
          return;
        }
        throw fail("write", uri, uri.bucket(), e, t0);
      }
    }

    private void refuseExisting() throws IOException {
      try {
        stat(uri);
      } catch (java.io.FileNotFoundException e) {
        return;
      }
      throw new FileAlreadyExistsException(null, null, StoreErrors.message("write", uri, "an object already exists"));
    }

    @Override
    protected void abortUpload() throws IOException {
      if (uploadId == null) {
        return;
      }
      long t0 = System.nanoTime();
      try {
        s3.abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(uri.bucket()).key(uri.key())
            .uploadId(uploadId).build());
      } catch (SdkException e) {
        if (S3Errors.status(e) != 404) {
          throw fail("abort upload of", uri, uri.bucket(), e, t0);
        }
      }
    }

    @Override
    protected void putWhole(io.s3dlio.store.UploadBlock block) throws IOException {
      putBytes(uri, block.array(), block.length(), options);
    }
  }

  // ---------------------------------------------------------------- listing

  @Override
  public Iterator<ObjectEntry> list(ObjectUri prefix, ListOptions options) throws IOException {
    checkScheme(prefix);
    Lister lister = new Lister(prefix, options);
    lister.fetch(); // the first page now, so that a missing bucket is a checked error of list()
    return lister;
  }

  /** Pages through ListObjectsV2, asking for the next page only when the current one is used up. */
  private final class Lister implements Iterator<ObjectEntry>, ListingPages {
    private final ObjectUri prefix;
    private final ListOptions options;
    private final Deque<ObjectEntry> page = new ArrayDeque<>();
    private String token;
    private boolean more = true;
    private final Count pageCount = new Count();

    Lister(ObjectUri prefix, ListOptions options) {
      this.prefix = prefix;
      this.options = options;
    }

    void fetch() throws IOException {
      ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(prefix.bucket())
          .maxKeys(Math.min(options.pageSize(), 1000));
      if (!prefix.key().isEmpty()) {
        req.prefix(prefix.key());
      }
      if (options.delimiter() != null) {
        req.delimiter(options.delimiter());
      }
      if (token != null) {
        req.continuationToken(token);
      }
      ListObjectsV2Response r;
      long t0 = System.nanoTime();
      try {
        r = s3.listObjectsV2(req.build());
      } catch (SdkException e) {
        throw fail("list", prefix, prefix.bucket(), e, t0);
      }
      // objects and common prefixes come as two sorted lists: merge them in key order
      List<S3Object> objects = r.contents();
      List<CommonPrefix> prefixes = r.commonPrefixes();
      int i = 0;
      int j = 0;
      while (i < objects.size() || j < prefixes.size()) {
        boolean takeObject = j >= prefixes.size()
            || i < objects.size() && compareKeys(objects.get(i).key(), prefixes.get(j).prefix()) < 0;
        if (takeObject) {
          S3Object o = objects.get(i++);
          page.add(ObjectEntry.object(new ObjectStat(prefix.withKey(o.key()), o.size() == null ? 0 : o.size(),
              o.lastModified(), unquote(o.eTag()))));
        } else {
          page.add(ObjectEntry.prefix(prefix.withKey(prefixes.get(j++).prefix())));
        }
      }
      token = r.nextContinuationToken();
      more = Boolean.TRUE.equals(r.isTruncated());
      pageCount.fetched(objects.size() + prefixes.size());
      if (more && token == null) {
        throw new StoreException(StoreErrors.message("list", prefix,
            "the store said the listing is truncated but gave no continuation token"), null);
      }
    }

    @Override
    public Count pageCount() {
      return pageCount;
    }

    @Override
    public boolean hasNext() {
      while (page.isEmpty() && more) {
        try {
          fetch();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return !page.isEmpty();
    }

    @Override
    public ObjectEntry next() {
      if (!hasNext()) {
        throw new NoSuchElementException("list " + prefix + ": no more entries");
      }
      return page.poll();
    }
  }

  /** S3 orders keys by their UTF-8 bytes, which is code point order (not UTF-16 order). */
  static int compareKeys(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  // ---------------------------------------------------------------- deletes

  @Override
  public void delete(ObjectUri uri) throws IOException {
    checkScheme(uri);
    long t0 = System.nanoTime();
    try {
      s3.deleteObject(DeleteObjectRequest.builder().bucket(uri.bucket()).key(uri.key()).build());
    } catch (SdkException e) {
      if (S3Errors.status(e) == 404 && !"NoSuchBucket".equals(S3Errors.errorCode(e))) {
        return; // stores that answer 404 for a missing key
      }
      throw fail("delete", uri, uri.bucket(), e, t0);
    }
  }

  @Override
  public List<DeleteFailure> deleteAll(List<ObjectUri> uris) throws IOException {
    uris.forEach(this::checkScheme);
    if (uris.isEmpty()) {
      return List.of();
    }
    return config.bulkDelete() ? bulkDelete(uris) : parallelDelete(uris);
  }

  private List<DeleteFailure> bulkDelete(List<ObjectUri> uris) throws IOException {
    Map<String, List<ObjectUri>> byBucket = new LinkedHashMap<>();
    for (ObjectUri u : uris) {
      byBucket.computeIfAbsent(u.bucket(), b -> new ArrayList<>()).add(u);
    }
    List<DeleteFailure> failures = new ArrayList<>();
    for (Map.Entry<String, List<ObjectUri>> e : byBucket.entrySet()) {
      List<ObjectUri> all = e.getValue();
      for (int from = 0; from < all.size(); from += DELETE_PAGE) {
        List<ObjectUri> page = all.subList(from, Math.min(all.size(), from + DELETE_PAGE));
        Map<String, ObjectUri> byKey = new LinkedHashMap<>();
        List<ObjectIdentifier> ids = new ArrayList<>(page.size());
        for (ObjectUri u : page) {
          byKey.put(u.key(), u);
          ids.add(ObjectIdentifier.builder().key(u.key()).build());
        }
        DeleteObjectsResponse r;
        long t0 = System.nanoTime();
        try {
          r = s3.deleteObjects(DeleteObjectsRequest.builder().bucket(e.getKey())
              .delete(Delete.builder().objects(ids).quiet(true).build()).build());
        } catch (SdkException ex) {
          throw fail("delete", page.get(0) + " and " + (page.size() - 1) + " more keys", e.getKey(), ex, t0);
        }
        for (S3Error err : r.errors()) {
          if ("NoSuchKey".equals(err.code())) {
            continue;
          }
          ObjectUri u = byKey.getOrDefault(err.key(), page.get(0).withKey(err.key()));
          failures.add(new DeleteFailure(u, err.code() + ": " + err.message()));
        }
      }
    }
    return failures;
  }

  private List<DeleteFailure> parallelDelete(List<ObjectUri> uris) throws IOException {
    AtomicInteger next = new AtomicInteger();
    List<DeleteFailure> failures = Collections.synchronizedList(new ArrayList<>());
    int workers = Math.min(config.deleteParallelism(), uris.size());
    List<Future<?>> futures = new ArrayList<>(workers);
    for (int w = 0; w < workers; w++) {
      futures.add(executor.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < uris.size()) {
          ObjectUri u = uris.get(i);
          try {
            delete(u);
          } catch (IOException e) {
            failures.add(new DeleteFailure(u, e.getMessage()));
          }
        }
        return null;
      }));
    }
    awaitAll(futures, "delete", uris.get(0) + " and " + (uris.size() - 1) + " more keys");
    return new ArrayList<>(failures);
  }

  private void awaitAll(List<Future<?>> futures, String op, Object target) throws IOException {
    try {
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(StoreErrors.message(op, target, "interrupted"));
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new StoreException(StoreErrors.message(op, target, StoreErrors.rootCause(e.getCause())), e.getCause());
    }
  }

  @Override
  public int bulkDeletePageSize() {
    return config.bulkDelete() ? DELETE_PAGE : 1;
  }

  // ---------------------------------------------------------------- copy

  @Override
  public void copy(ObjectUri source, ObjectUri target) throws IOException {
    checkScheme(source);
    checkScheme(target);
    ObjectStat src;
    try {
      src = stat(source);
    } catch (java.io.FileNotFoundException e) {
      throw (java.io.FileNotFoundException) new java.io.FileNotFoundException(
          StoreErrors.message("copy", source + " to " + target, "no such source object")).initCause(e);
    }
    String what = source + " to " + target;
    if (src.size() > config.copyMultipartThreshold()) {
      multipartCopy(source, target, src, what);
      return;
    }
    long t0 = System.nanoTime();
    try {
      s3.copyObject(CopyObjectRequest.builder()
          .sourceBucket(source.bucket()).sourceKey(source.key())
          .copySourceIfMatch(src.etag() == null ? null : quoted(src.etag()))
          .destinationBucket(target.bucket()).destinationKey(target.key()).build());
    } catch (SdkException e) {
      throw copyFailure(what, source, src, target, e, t0);
    }
  }

  /** A failed copy request: 412 means the source changed since it was looked at (If-Match on it). */
  private IOException copyFailure(String what, ObjectUri source, ObjectStat src, ObjectUri target, SdkException e,
      long t0) {
    if (S3Errors.status(e) == 412 && src.etag() != null) {
      String now = currentEtag(source);
      return new ObjectChangedException(StoreErrors.message("copy", what, "the source changed during the copy (ETag was "
          + src.etag() + ", is now " + (now == null ? "unknown" : now) + ")"), src.etag(), now, e);
    }
    return fail("copy", what, target.bucket(), e, t0);
  }

  /**
   * UploadPartCopy of every part, at most {@link S3StoreConfig#copyParallelism()} at once (workers
   * that take the next part number), each part pinned to the source's ETag.
   */
  private void multipartCopy(ObjectUri source, ObjectUri target, ObjectStat src, String what) throws IOException {
    long size = src.size();
    long partSize = Math.max(config.copyPartSize(), (size + S3StoreConfig.MAX_PARTS - 1) / S3StoreConfig.MAX_PARTS);
    int parts = (int) ((size + partSize - 1) / partSize);
    String uploadId;
    long started = System.nanoTime();
    try {
      uploadId = s3.createMultipartUpload(CreateMultipartUploadRequest.builder()
          .bucket(target.bucket()).key(target.key()).build()).uploadId();
    } catch (SdkException e) {
      throw fail("copy", what, target.bucket(), e, started);
    }
    boolean done = false;
    try {
      CompletedPart[] completed = new CompletedPart[parts];
      AtomicInteger next = new AtomicInteger();
      List<Future<?>> workers = new ArrayList<>();
      for (int w = Math.min(config.copyParallelism(), parts); w > 0; w--) {
        workers.add(executor.submit(() -> {
          int i;
          while ((i = next.getAndIncrement()) < parts) {
            int n = i + 1;
            long first = i * partSize;
            long last = Math.min(size, first + partSize) - 1;
            long t0 = System.nanoTime();
            try {
              String etag = s3.uploadPartCopy(UploadPartCopyRequest.builder()
                  .sourceBucket(source.bucket()).sourceKey(source.key())
                  .destinationBucket(target.bucket()).destinationKey(target.key())
                  .uploadId(uploadId).partNumber(n).copySourceRange("bytes=" + first + "-" + last)
                  .copySourceIfMatch(src.etag() == null ? null : quoted(src.etag()))
                  .build()).copyPartResult().eTag();
              completed[i] = CompletedPart.builder().partNumber(n).eTag(etag).build();
            } catch (SdkException e) {
              throw copyFailure(what + " (part " + n + ")", source, src, target, e, t0);
            }
          }
          return null;
        }));
      }
      awaitAll(workers, "copy", what);
      long t0 = System.nanoTime();
      try {
        s3.completeMultipartUpload(CompleteMultipartUploadRequest.builder().bucket(target.bucket())
            .key(target.key()).uploadId(uploadId)
            .multipartUpload(CompletedMultipartUpload.builder().parts(completed).build()).build());
      } catch (SdkException e) {
        throw fail("copy", what, target.bucket(), e, t0);
      }
      done = true;
    } finally {
      if (!done) {
        try {
          s3.abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(target.bucket())
              .key(target.key()).uploadId(uploadId).build());
        } catch (SdkException e) {
          LOG.warn("Cannot abort the multipart copy {}: {}", what, StoreErrors.rootCause(e));
        }
      }
    }
  }

  @Override
  public boolean supportsConditionalCreate() {
    // GCS's XML API takes no preconditions on multipart uploads: large creates are checked, not atomic
    return config.conditionalCreate() == S3StoreConfig.ConditionalCreate.IF_NONE_MATCH;
  }

  @Override
  public void close() throws IOException {
    executor.shutdownNow();
    try {
      s3.close();
    } finally {
      http.close();
    }
  }

  @Override
  public String toString() {
    return "S3ObjectStore{" + config + "}";
  }

  static String unquote(String etag) {
    if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
      return etag.substring(1, etag.length() - 1);
    }
    return etag;
  }

  private static String quoted(String etag) {
    return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
  }
}
