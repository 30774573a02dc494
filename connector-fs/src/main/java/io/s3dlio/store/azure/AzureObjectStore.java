package io.s3dlio.store.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.rest.PagedIterable;
import com.azure.core.http.rest.PagedResponse;
import com.azure.core.http.rest.Response;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.batch.BlobBatch;
import com.azure.storage.blob.batch.BlobBatchClient;
import com.azure.storage.blob.batch.BlobBatchClientBuilder;
import com.azure.storage.blob.models.BlobCopyInfo;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobItemProperties;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobBeginCopyOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.s3dlio.store.BlockUploadWriter;
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
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ObjectStore} over Azure Blob Storage ({@code az://account/container/path}), with the
 * azure-storage-blob SDK on the JDK HTTP client.
 *
 * <p>One {@link BlobServiceClient} per account, made on first use and cached. Every SDK call goes
 * through the SDK's retry policy ({@link AzureStoreConfig#MAX_RETRIES}); failures are translated
 * once by {@link AzureErrors}. Reads stream the body of one ranged GET sent through the client's
 * own pipeline (so credentials, retries and API version are the SDK's), wrapped in a
 * {@link ResumingInputStream} that reopens from the last good byte with {@code If-Match} on the
 * first ETag, so an object replaced mid-read fails instead of mixing versions.
 *
 * <p>Writes: objects up to one block are one Put Blob; larger ones are staged blocks uploaded in
 * parallel ({@link BlockUploadWriter}) and committed with Put Block List at close. Azure has no
 * "abort" of staged blocks: an aborted upload leaves uncommitted blocks, invisible to readers, that
 * the service discards after 7 days or at the next commit of that blob.
 */
final class AzureObjectStore implements ObjectStore {
  private static final Logger LOG = LoggerFactory.getLogger(AzureObjectStore.class);
  private static final HttpHeaderName X_MS_RANGE = HttpHeaderName.fromString("x-ms-range");
  private static final HttpHeaderName X_MS_VERSION = HttpHeaderName.fromString("x-ms-version");
  private static final HttpHeaderName X_MS_ERROR_CODE = HttpHeaderName.fromString("x-ms-error-code");
  /** Most sub-requests Azure accepts in one Blob Batch. */
  static final int BATCH_SIZE = 256;

  private final AzureStoreConfig config;
  private final HttpClient httpClient;
  private final ConcurrentMap<String, Account> accounts = new ConcurrentHashMap<>();
  private final ExecutorService executor;

  /** The clients of one storage account. */
  private static final class Account {
    final String name;
    final BlobServiceClient service;
    /** The account-level batch client (shared key, OAuth, account SAS). */
    final BlobBatchClient accountBatch;
    /**
     * Container-level batch clients, used with a service (container) SAS, which cannot authorize an
     * account-level batch. (Azurite 3.37 answers 500 to a container-level batch under an account SAS,
     * so the account level stays the default.)
     */
    final ConcurrentMap<String, BlobBatchClient> containerBatches = new ConcurrentHashMap<>();
    final AzureStoreConfig.Auth auth;
    final String sasToken;
    /** Set when the account refused a batch request as such; later bulk deletes go one by one. */
    volatile boolean batchUnsupported;

    Account(String name, BlobServiceClient service, AzureStoreConfig.Auth auth, String sasToken) {
      this.name = name;
      this.service = service;
      this.accountBatch = new BlobBatchClientBuilder(service).buildClient();
      this.auth = auth;
      this.sasToken = sasToken;
    }
  }

  AzureObjectStore(AzureStoreConfig config) {
    this.config = Objects.requireNonNull(config, "config is null");
    this.httpClient = new JdkHttpClientBuilder().connectionTimeout(config.connectTimeout())
        .responseTimeout(config.readTimeout()).readTimeout(config.readTimeout()).build();
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "s3dlio-azure-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public ObjectUri.Scheme scheme() {
    return ObjectUri.Scheme.AZ;
  }

  // ---------------------------------------------------------------- clients

  private Account account(String op, ObjectUri uri) throws IOException {
    if (uri.scheme() != ObjectUri.Scheme.AZ) {
      throw new IllegalArgumentException("Cannot " + op + " " + uri + ": not an az:// URI");
    }
    if (executor.isShutdown()) {
      throw new IOException(StoreErrors.message(op, uri, "the store is closed"));
    }
    try {
      return accounts.computeIfAbsent(uri.bucket(), this::connect);
    } catch (IllegalArgumentException | IllegalStateException e) {
      // Messages of connect() are ours and free of secrets; SDK messages are not kept.
      throw new StoreException(StoreErrors.message(op, uri, e.getMessage()), null);
    }
  }

  private Account connect(String name) {
    BlobServiceClientBuilder b = new BlobServiceClientBuilder()
        .httpClient(httpClient)
        // one try in the storage SDK's retry policy (no jitter); ours retries, with jitter and a deadline
        .retryOptions(new RequestRetryOptions(RetryPolicyType.FIXED, 1, (Duration) null, null, null, null))
        .addPolicy(new AzureRetryPolicy(config.maxRetries(), config.retryDelay(), config.maxRetryDelay(),
            config.callDeadline(), AzureStoreConfig.CALL_DEADLINE));
    if (config.serviceVersion() != null) {
      b.serviceVersion(config.serviceVersion());
    }
    AzureStoreConfig.Auth auth = config.effectiveAuth();
    String sas = null;
    switch (auth) {
      case CONNECTION_STRING -> {
        String cs = config.connectionString().orElseThrow(() -> missing(auth, AzureStoreConfig.CONNECTION_STRING));
        String csAccount = connectionStringAccount(cs);
        if (csAccount != null && !csAccount.equals(name)) {
          throw new IllegalArgumentException(AzureStoreConfig.CONNECTION_STRING + " is for account '" + csAccount
              + "', not '" + name + "'");
        }
        try {
          b.connectionString(cs);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(AzureStoreConfig.CONNECTION_STRING + " is not a valid connection string");
        }
      }
      case SHARED_KEY -> {
        String key = config.accountKey().orElseThrow(() -> missing(auth, AzureStoreConfig.ACCOUNT_KEY));
        checkAccount(name);
        b.endpoint(config.endpointFor(name)).credential(new StorageSharedKeyCredential(name, key));
      }
      case SAS -> {
        sas = config.sasToken().orElseThrow(() -> missing(auth, AzureStoreConfig.SAS_TOKEN));
        checkAccount(name);
        b.endpoint(config.endpointFor(name)).sasToken(sas);
      }
      case DEFAULT_CREDENTIAL -> b.endpoint(config.endpointFor(name))
          .credential(new DefaultAzureCredentialBuilder().httpClient(httpClient).build());
      default -> throw new IllegalStateException("auth " + auth);
    }
    BlobServiceClient service = b.buildClient();
    LOG.debug("Opened Azure account {} at {} with {} auth", name, service.getAccountUrl(), auth);
    return new Account(name, service, auth, sas);
  }

  private void checkAccount(String name) {
    config.account().ifPresent(a -> {
      if (!a.equals(name)) {
        throw new IllegalArgumentException("the credentials are for account '" + a + "' (" + AzureStoreConfig.ACCOUNT
            + "), not '" + name + "'");
      }
    });
  }

  private static IllegalArgumentException missing(AzureStoreConfig.Auth auth, String key) {
    return new IllegalArgumentException("authentication " + auth.name().toLowerCase().replace('_', '-')
        + " needs setting " + key);
  }

  /** The AccountName of a connection string, or null when it has none (SAS + BlobEndpoint forms). */
  static String connectionStringAccount(String cs) {
    if (cs.contains("UseDevelopmentStorage=true")) {
      return "devstoreaccount1";
    }
    for (String part : cs.split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0 && part.substring(0, eq).trim().equalsIgnoreCase("AccountName")) {
        return part.substring(eq + 1).trim();
      }
    }
    return null;
  }

  private BlobContainerClient container(Account a, ObjectUri uri) {
    return a.service.getBlobContainerClient(uri.container());
  }

  private BlobClient blob(Account a, ObjectUri uri) {
    if (uri.key().isEmpty()) {
      throw new IllegalArgumentException("Cannot use " + uri + " as an object: the key is empty");
    }
    return container(a, uri).getBlobClient(uri.key());
  }

  // ---------------------------------------------------------------- reads

  @Override
  public byte[] get(ObjectUri uri) throws IOException {
    try (InputStream in = openRange(uri, 0, -1)) {
      return in.readAllBytes();
    } catch (OutOfMemoryError e) {
      throw new StoreException(StoreErrors.message("get", uri, "too large to read into one array"), e);
    }
  }

  @Override
  public byte[] getRange(ObjectUri uri, long offset, int length) throws IOException {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("Cannot read " + uri + ": offset " + offset + ", length " + length);
    }
    if (length == 0) {
      stat(uri);
      return new byte[0];
    }
    try (InputStream in = openRange(uri, offset, length)) {
      return in.readAllBytes();
    }
  }

  @Override
  public InputStream openRange(ObjectUri uri, long offset, long length) throws IOException {
    return openRange(uri, offset, length, null);
  }

  @Override
  public InputStream openRange(ObjectUri uri, long offset, long length, String pinnedEtag) throws IOException {
    if (offset < 0) {
      throw new IllegalArgumentException("Cannot read " + uri + " at negative offset " + offset);
    }
    Account a = account("read", uri);
    BlobClient blob = blob(a, uri);
    if (length == 0) {
      ObjectStat st = stat(uri);
      if (pinnedEtag != null && !pinnedEtag.equals(st.etag())) {
        throw changed(uri, offset, pinnedEtag, st.etag());
      }
      return new ByteArrayInputStream(new byte[0]);
    }
    AtomicReference<String> etag = new AtomicReference<>(pinnedEtag == null ? null : quoted(pinnedEtag));
    return new ResumingInputStream(uri, offset, length,
        (off, len) -> openBody(a, blob, uri, off, len, etag), config.resumeAttempts());
  }

  /**
   * One GET of {@code [offset, offset + length)} ({@code length < 0}: to the end) through the
   * client's pipeline; the body is streamed, not buffered. The first call records the ETag, later
   * ones (resumes) require it with If-Match.
   */
  private ResumingInputStream.Body openBody(Account a, BlobClient blob, ObjectUri uri, long offset, long length,
      AtomicReference<String> etag) throws IOException {
    HttpRequest req = new HttpRequest(HttpMethod.GET, blob.getBlobUrl());
    req.setHeader(X_MS_VERSION, a.service.getServiceVersion().getVersion());
    // The shared-key signer reads Content-Length and signs "null" when it is absent.
    req.setHeader(HttpHeaderName.CONTENT_LENGTH, "0");
    if (offset > 0 || length >= 0) {
      req.setHeader(X_MS_RANGE, "bytes=" + offset + "-" + (length >= 0 ? Long.toString(offset + length - 1) : ""));
    }
    String expected = etag.get();
    if (expected != null) {
      req.setHeader(HttpHeaderName.IF_MATCH, expected);
    }
    HttpResponse resp;
    try {
      resp = a.service.getHttpPipeline().sendSync(req, Context.NONE);
    } catch (RuntimeException e) {
      throw AzureErrors.translate("read", uri, e);
    }
    int status = resp.getStatusCode();
    if (status != 200 && status != 206) {
      String code = resp.getHeaderValue(X_MS_ERROR_CODE);
      String message = null;
      try {
        message = AzureErrors.shortMessage(resp.getBodyAsBinaryData().toString());
      } catch (RuntimeException ignored) {
        // the status and error code are enough
      } finally {
        resp.close();
      }
      if (status == 412 && expected != null) {
        throw changed(uri, offset, unquote(expected), currentEtag(uri));
      }
      throw AzureErrors.fromStatus("read", uri.toString(), uri, status, code, message, null, false);
    }
    long size = totalSize(resp.getHeaderValue(HttpHeaderName.CONTENT_RANGE));
    if (status == 206 && size >= 0 && offset >= size) {
      // Azure answers 416 here; Azurite answers 206 with an empty body.
      resp.close();
      throw new EOFException(StoreErrors.message("read", uri, "range starts at or past the end of the object (offset "
          + offset + ", size " + size + ")"));
    }
    String got = resp.getHeaderValue(HttpHeaderName.ETAG);
    if (!etag.compareAndSet(null, got) && got != null && !unquote(got).equals(unquote(etag.get()))) {
      resp.close();
      throw changed(uri, offset, unquote(etag.get()), unquote(got));
    }
    String cl = resp.getHeaderValue(HttpHeaderName.CONTENT_LENGTH);
    if (cl == null) {
      resp.close();
      throw new StoreException(StoreErrors.message("read", uri, "response has no Content-Length"), status, null);
    }
    InputStream body = resp.getBodyAsBinaryData().toStream();
    return new ResumingInputStream.Body(new FilterInputStream(body) {
      @Override
      public void close() throws IOException {
        try {
          super.close();
        } finally {
          resp.close();
        }
      }
    }, Long.parseLong(cl.trim()), unquote(etag.get()));
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

  private static ObjectChangedException changed(ObjectUri uri, long offset, String expected, String actual) {
    return new ObjectChangedException(StoreErrors.message("read", uri, "the object changed while it was read (at offset "
        + offset + ": ETag was " + expected + ", is now " + (actual == null ? "unknown" : actual) + ")"),
        expected, actual, null);
  }

  private static String quoted(String etag) {
    return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
  }

  @Override
  public ObjectStat stat(ObjectUri uri) throws IOException {
    Account a = account("stat", uri);
    try {
      BlobProperties p = blob(a, uri).getPropertiesWithResponse(null, null, Context.NONE).getValue();
      return new ObjectStat(uri, p.getBlobSize(), toInstant(p.getLastModified()), unquote(p.getETag()));
    } catch (RuntimeException e) {
      throw AzureErrors.translate("stat", uri, e);
    }
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(ObjectUri uri, byte[] data, WriteOptions options) throws IOException {
    if (data.length > config.blockSize()) {
      try (ObjectWriter w = openWriter(uri, options)) {
        w.write(data);
      }
      return;
    }
    Account a = account("put", uri);
    putWhole(blob(a, uri).getBlockBlobClient(), uri, data, data.length, options, UUID.randomUUID().toString());
  }

  private static void putWhole(BlockBlobClient blob, ObjectUri uri, byte[] data, int length, WriteOptions options,
      String writeId) throws IOException {
    try {
      BlockBlobSimpleUploadOptions o = new BlockBlobSimpleUploadOptions(BinaryData.fromByteBuffer(
          ByteBuffer.wrap(data, 0, length)))
          .setHeaders(headers(options))
          .setMetadata(writeIdMetadata(options, writeId))
          .setRequestConditions(conditions(options));
      blob.uploadWithResponse(o, null, Context.NONE);
    } catch (RuntimeException e) {
      if (isOwnCreate(blob, uri, options, writeId, e)) {
        return;
      }
      throw options.ifNoneMatch() ? AzureErrors.translateCreate("put", uri, e) : AzureErrors.translate("put", uri, e);
    }
  }

  /** Metadata name of the unique id of a create-only write (Azure metadata names are C# identifiers). */
  static final String WRITE_ID = "s3dlio_write_id";

  private static Map<String, String> writeIdMetadata(WriteOptions options, String writeId) {
    return options.ifNoneMatch() ? Map.of(WRITE_ID, writeId) : null;
  }

  /**
   * Whether a create-only write that failed with "exists" (409/412) found the blob its own earlier
   * attempt wrote: the answer of that attempt was lost and the retry saw the result.
   */
  private static boolean isOwnCreate(BlockBlobClient blob, ObjectUri uri, WriteOptions options, String writeId,
      RuntimeException failure) {
    if (!options.ifNoneMatch()) {
      return false;
    }
    BlobStorageException bse = failure instanceof BlobStorageException b ? b : null;
    if (bse == null || bse.getStatusCode() != 409 && bse.getStatusCode() != 412) {
      return false;
    }
    try {
      Map<String, String> md = blob.getProperties().getMetadata();
      boolean own = md != null && writeId.equals(md.get(WRITE_ID));
      if (own) {
        LOG.debug("write {}: a retried request found the blob its own earlier attempt wrote", uri);
      }
      return own;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static BlobHttpHeaders headers(WriteOptions options) {
    return options.contentType() == null ? null : new BlobHttpHeaders().setContentType(options.contentType());
  }

  private static BlobRequestConditions conditions(WriteOptions options) {
    return options.ifNoneMatch() ? new BlobRequestConditions().setIfNoneMatch("*") : null;
  }

  @Override
  public ObjectWriter openWriter(ObjectUri uri, WriteOptions options) throws IOException {
    Account a = account("write", uri);
    return new BlockWriter(uri, blob(a, uri).getBlockBlobClient(), options);
  }

  /** Staged blocks, committed in order at close; block ids are base64 of equal-length strings. */
  private final class BlockWriter extends BlockUploadWriter<String> {
    private final BlockBlobClient blob;
    private final WriteOptions options;
    private final String uploadId = UUID.randomUUID().toString();
    private final String writeId = UUID.randomUUID().toString();

    BlockWriter(ObjectUri uri, BlockBlobClient blob, WriteOptions options) {
      super(uri, config.blockSize(), config.uploadActiveBlocks(), executor, config.uploadBuffer());
      this.blob = blob;
      this.options = options;
    }

    @Override
    protected void begin() throws IOException {
      // Fail before uploading any block when the object exists; the commit is conditional too.
      if (options.ifNoneMatch()) {
        boolean exists;
        try {
          exists = blob.exists();
        } catch (RuntimeException e) {
          throw AzureErrors.translate("write", uri, e);
        }
        if (exists) {
          throw new FileAlreadyExistsException(StoreErrors.message("write", uri, "object already exists"));
        }
      }
    }

    @Override
    protected String uploadBlock(int number, io.s3dlio.store.UploadBlock block) throws IOException {
      String id = Base64.getEncoder().encodeToString(String.format("%s-%06d", uploadId, number)
          .getBytes(StandardCharsets.US_ASCII));
      try {
        BinaryData body = block.file() != null ? BinaryData.fromFile(block.file())
            : BinaryData.fromByteBuffer(ByteBuffer.wrap(block.array(), 0, block.length()));
        blob.stageBlockWithResponse(new BlockBlobStageBlockOptions(id, body), null, Context.NONE);
      } catch (RuntimeException e) {
        throw AzureErrors.translate("write", uri, e);
      }
      return id;
    }

    @Override
    protected void complete(List<String> blocks) throws IOException {
      try {
        blob.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(blocks)
            .setHeaders(headers(options))
            .setMetadata(writeIdMetadata(options, writeId))
            .setRequestConditions(conditions(options)), null, Context.NONE);
      } catch (RuntimeException e) {
        if (isOwnCreate(blob, uri, options, writeId, e)) {
          return;
        }
        throw options.ifNoneMatch() ? AzureErrors.translateCreate("write", uri, e)
            : AzureErrors.translate("write", uri, e);
      }
    }

    @Override
    protected void abortUpload() {
      // Nothing to call: uncommitted blocks are invisible and expire (see the class comment).
    }

    @Override
    protected void putWhole(io.s3dlio.store.UploadBlock block) throws IOException {
      AzureObjectStore.putWhole(blob, uri, block.array(), block.length(), options, writeId);
    }
  }

  // ---------------------------------------------------------------- listing

  @Override
  public Iterator<ObjectEntry> list(ObjectUri prefix, ListOptions options) throws IOException {
    Account a = account("list", prefix);
    Listing listing = new Listing(container(a, prefix), prefix, options);
    listing.fetch(); // the first page now, so that a missing container or bad credentials throw here
    return listing;
  }

  /** Pages fetched one at a time, by continuation token, when the previous page is used up. */
  private static final class Listing implements Iterator<ObjectEntry>, ListingPages {
    private final BlobContainerClient container;
    private final ObjectUri prefix;
    private final ListOptions options;
    private Iterator<ObjectEntry> page = Collections.emptyIterator();
    private String token;
    private boolean last;
    private final Count pageCount = new Count();

    Listing(BlobContainerClient container, ObjectUri prefix, ListOptions options) {
      this.container = container;
      this.prefix = prefix;
      this.options = options;
    }

    void fetch() throws IOException {
      ListBlobsOptions lo = new ListBlobsOptions().setPrefix(prefix.key())
          .setMaxResultsPerPage(Math.min(options.pageSize(), 5000));
      PagedResponse<BlobItem> p;
      try {
        PagedIterable<BlobItem> items = options.isRecursive()
            ? container.listBlobs(lo, token, null)
            : container.listBlobsByHierarchy(options.delimiter(), lo, null);
        p = items.iterableByPage(token).iterator().next();
      } catch (RuntimeException e) {
        throw AzureErrors.translate("list", prefix, e);
      }
      List<ObjectEntry> rows = new ArrayList<>(p.getValue().size());
      for (BlobItem item : p.getValue()) {
        ObjectUri u = prefix.withKey(item.getName());
        if (Boolean.TRUE.equals(item.isPrefix())) {
          rows.add(ObjectEntry.prefix(u));
        } else {
          BlobItemProperties bp = item.getProperties();
          rows.add(ObjectEntry.object(new ObjectStat(u, bp.getContentLength() == null ? 0 : bp.getContentLength(),
              toInstant(bp.getLastModified()), unquote(bp.getETag()))));
        }
      }
      // Hierarchical pages carry prefixes and blobs in two groups: restore key order.
      rows.sort(Comparator.comparing(e -> e.uri().key()));
      page = rows.iterator();
      pageCount.fetched(rows.size());
      token = p.getContinuationToken();
      last = token == null || token.isEmpty();
    }

    @Override
    public Count pageCount() {
      return pageCount;
    }

    @Override
    public boolean hasNext() {
      while (!page.hasNext() && !last) {
        try {
          fetch();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return page.hasNext();
    }

    @Override
    public ObjectEntry next() {
      if (!hasNext()) {
        throw new NoSuchElementException("list " + prefix + ": no more entries");
      }
      return page.next();
    }
  }

  // ---------------------------------------------------------------- delete

  @Override
  public void delete(ObjectUri uri) throws IOException {
    Account a = account("delete", uri);
    try {
      blob(a, uri).deleteWithResponse(DeleteSnapshotsOptionType.INCLUDE, null, null, Context.NONE);
    } catch (BlobStorageException e) {
      if (!isBlobNotFound(e)) {
        throw AzureErrors.translate("delete", uri, e);
      }
    } catch (RuntimeException e) {
      throw AzureErrors.translate("delete", uri, e);
    }
  }

  /** A 404 that is about the blob (not its container or account). HEAD-less deletes carry the code. */
  private static boolean isBlobNotFound(BlobStorageException e) {
    return e.getStatusCode() == 404 && (e.getErrorCode() == null || "BlobNotFound".equals(e.getErrorCode().toString()));
  }

  @Override
  public List<DeleteFailure> deleteAll(List<ObjectUri> uris) throws IOException {
    // A batch serves one container.
    Map<String, List<ObjectUri>> byContainer = new LinkedHashMap<>();
    for (ObjectUri u : uris) {
      byContainer.computeIfAbsent(u.bucket() + "/" + u.container(), k -> new ArrayList<>()).add(u);
    }
    List<DeleteFailure> failures = new ArrayList<>();
    for (List<ObjectUri> group : byContainer.values()) {
      Account a = account("delete", group.get(0));
      for (int i = 0; i < group.size(); i += BATCH_SIZE) {
        List<ObjectUri> chunk = group.subList(i, Math.min(group.size(), i + BATCH_SIZE));
        if (config.batchDelete() && !a.batchUnsupported && chunk.size() > 1) {
          if (deleteBatch(a, chunk, failures)) {
            continue;
          }
        }
        deleteParallel(chunk, failures);
      }
    }
    return failures;
  }

  /** One Blob Batch; false when the account refused batches as such (the caller goes one by one). */
  private boolean deleteBatch(Account a, List<ObjectUri> chunk, List<DeleteFailure> failures) throws IOException {
    BlobBatchClient client = !isServiceSas(a.sasToken) ? a.accountBatch
        : a.containerBatches.computeIfAbsent(chunk.get(0).container(),
            c -> new BlobBatchClientBuilder(a.service.getBlobContainerClient(c)).buildClient());
    BlobBatch batch = client.getBlobBatch();
    List<Response<Void>> responses = new ArrayList<>(chunk.size());
    for (ObjectUri u : chunk) {
      // The full URL: the (container, name) form drops the account from the sub-request path,
      // which path-style endpoints (Azurite, http://host:port/account) then misread.
      responses.add(batch.deleteBlob(blob(a, u).getBlobUrl(), DeleteSnapshotsOptionType.INCLUDE, null));
    }
    String subject = "batch of " + chunk.size() + " from " + chunk.get(0);
    try {
      client.submitBatchWithResponse(batch, false, null, Context.NONE);
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 400 || e.getStatusCode() == 405 || e.getStatusCode() == 501) {
        LOG.warn("Account {} refused a blob batch (HTTP {} {}); deleting one by one from now on",
            a.name, e.getStatusCode(), e.getErrorCode());
        a.batchUnsupported = true;
        return false;
      }
      throw AzureErrors.translate("delete", subject, chunk.get(0), e, false);
    } catch (RuntimeException e) {
      throw AzureErrors.translate("delete", subject, chunk.get(0), e, false);
    }
    for (int i = 0; i < chunk.size(); i++) {
      try {
        responses.get(i).getStatusCode();
      } catch (BlobStorageException e) {
        if (!isBlobNotFound(e)) {
          failures.add(new DeleteFailure(chunk.get(i),
              AzureErrors.translate("delete", chunk.get(i), e).getMessage()));
        }
      } catch (RuntimeException e) {
        failures.add(new DeleteFailure(chunk.get(i), AzureErrors.translate("delete", chunk.get(i), e).getMessage()));
      }
    }
    return true;
  }

  private void deleteParallel(List<ObjectUri> chunk, List<DeleteFailure> failures) throws IOException {
    Semaphore permits = new Semaphore(config.deleteParallelism());
    List<Future<DeleteFailure>> futures = new ArrayList<>(chunk.size());
    try {
      for (ObjectUri u : chunk) {
        permits.acquire();
        futures.add(executor.submit(() -> {
          try {
            delete(u);
            return null;
          } catch (IOException e) {
            return new DeleteFailure(u, e.getMessage());
          } finally {
            permits.release();
          }
        }));
      }
      for (Future<DeleteFailure> f : futures) {
        DeleteFailure df = f.get();
        if (df != null) {
          failures.add(df);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      futures.forEach(f -> f.cancel(true));
      throw new java.io.InterruptedIOException("delete " + chunk.get(0) + " and others: interrupted");
    } catch (ExecutionException e) {
      throw AzureErrors.translate("delete", chunk.get(0), e.getCause());
    }
  }

  @Override
  public int bulkDeletePageSize() {
    return config.batchDelete() ? BATCH_SIZE : 1;
  }

  // ---------------------------------------------------------------- copy

  @Override
  public void copy(ObjectUri source, ObjectUri target) throws IOException {
    String subject = source + " to " + target;
    Account sa = account("copy", source);
    Account ta = account("copy", target);
    BlobClient src = blob(sa, source);
    BlobClient dst = blob(ta, target);
    String url = src.getBlobUrl();
    String sourceEtag = null;
    try {
      if (sa.auth == AzureStoreConfig.Auth.SAS) {
        url += "?" + sa.sasToken;
      } else if (sa != ta) {
        // Another account: Copy Blob needs a readable source URL. Works when the source account
        // uses a shared key (a one-hour read SAS is signed locally).
        url += "?" + src.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1),
            new BlobSasPermission().setReadPermission(true)));
      }
    } catch (RuntimeException e) {
      throw new StoreException(StoreErrors.message("copy", subject,
          "cannot authorize a copy across accounts without a shared key or SAS for the source"), null);
    }
    try {
      BlobProperties sourceProps = src.getProperties();
      sourceEtag = sourceProps.getETag();
      SyncPoller<BlobCopyInfo, Void> poller = dst.beginCopy(new BlobBeginCopyOptions(url)
          .setSourceRequestConditions(new com.azure.storage.blob.models.BlobBeginCopySourceRequestConditions()
              .setIfMatch(sourceEtag))
          .setPollInterval(Duration.ofMillis(200)));
      PollResponse<BlobCopyInfo> r = poller.waitForCompletion();
      if (r.getStatus() != LongRunningOperationStatus.SUCCESSFULLY_COMPLETED) {
        BlobCopyInfo info = r.getValue();
        throw new StoreException(StoreErrors.message("copy", subject, "copy ended " + r.getStatus()
            + (info == null || info.getError() == null ? "" : ": " + AzureErrors.scrub(info.getError()))), null);
      }
    } catch (RuntimeException e) {
      BlobStorageException bse = e instanceof BlobStorageException b ? b : null;
      if (sourceEtag != null && bse != null && bse.getStatusCode() == 412) {
        String now = currentEtag(source);
        throw new ObjectChangedException(StoreErrors.message("copy", subject, "the source changed during the copy (ETag was "
            + unquote(sourceEtag) + ", is now " + (now == null ? "unknown" : now) + ")"), unquote(sourceEtag), now, e);
      }
      throw AzureErrors.translate("copy", subject, target, e, false);
    }
  }

  @Override
  public boolean supportsConditionalCreate() {
    return true;
  }

  @Override
  public void close() {
    executor.shutdown();
    accounts.clear();
  }

  // ---------------------------------------------------------------- helpers

  /** Whether a SAS token is a service SAS (has a signed resource, {@code sr=}) rather than an account SAS. */
  static boolean isServiceSas(String sasToken) {
    if (sasToken == null) {
      return false;
    }
    for (String param : sasToken.split("&")) {
      if (param.startsWith("sr=")) {
        return true;
      }
    }
    return false;
  }

  /** The total of a Content-Range ({@code bytes a-b/total}), or -1. */
  private static long totalSize(String contentRange) {
    if (contentRange == null) {
      return -1;
    }
    int slash = contentRange.lastIndexOf('/');
    try {
      return slash < 0 ? -1 : Long.parseLong(contentRange.substring(slash + 1).trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String unquote(String etag) {
    if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
      return etag.substring(1, etag.length() - 1);
    }
    return etag;
  }

  private static Instant toInstant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  /** How many accounts have a client (for tests of the per-account cache). */
  int openAccounts() {
    return accounts.size();
  }
}
