package io.s3dlio.checkpoint;

import io.s3dlio.checkpoint.dist.CheckpointCollective;
import io.s3dlio.checkpoint.format.Layout;
import io.s3dlio.checkpoint.format.Manifest;
import io.s3dlio.checkpoint.format.ShardContext;
import io.s3dlio.checkpoint.format.ShardReader;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreRegistry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Atomic, checksummed, streaming checkpoints under one root URI on any backend ({@code s3://},
 * {@code az://}, {@code gs://}, {@code file://}, {@code direct://}).
 *
 * <p>A save streams each rank's tensors into one shard object (parallel multipart upload on S3,
 * staged blocks on Azure; memory bounded by a few chunks), then the coordinator checks every shard
 * and commits by creating the step's manifest with create-only semantics (S3 and Azure
 * {@code If-None-Match: *}, an exclusive create on local files). Nothing is renamed. A checkpoint
 * exists exactly when its manifest does; a save that fails or is killed at any moment leaves no
 * visible checkpoint, only shards that {@link #prune} removes. The {@code latest} pointer is
 * advanced only after the commit and is a hint: {@link #latest()} lists the manifests.
 *
 * <p>Thread-safe. {@link #saveAsync} runs one save at a time in the background.
 */
public final class CheckpointStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
  private static final AtomicInteger STORES = new AtomicInteger();

  private final ObjectStore store;
  private final StoreRegistry ownedRegistry;
  private final Layout layout;
  private final Catalog catalog;
  private final CheckpointOptions options;
  private final ExecutorService ioPool;
  private final ExecutorService compressPool;
  private final ExecutorService saver;
  private final Semaphore saveSlot = new Semaphore(1);

  private CheckpointStore(ObjectStore store, StoreRegistry owned, ObjectUri root, CheckpointOptions options) {
    this.store = store;
    this.ownedRegistry = owned;
    this.layout = new Layout(root);
    this.catalog = new Catalog(store, layout);
    this.options = options;
    int id = STORES.incrementAndGet();
    this.ioPool = Executors.newFixedThreadPool(options.ioThreads(), threads("s3dlio-ckpt-" + id + "-io"));
    this.compressPool = Executors.newFixedThreadPool(options.compressThreads(), threads("s3dlio-ckpt-" + id + "-zstd"));
    this.saver = Executors.newSingleThreadExecutor(threads("s3dlio-ckpt-" + id + "-save"));
  }

  /**
   * Opens the checkpoints under {@code rootUri} with a store of its own, configured from
   * {@code config} (store keys, and the {@code checkpoint.*} keys of {@link CheckpointOptions}).
   */
  public static CheckpointStore open(String rootUri, StoreConfig config) throws IOException {
    return open(rootUri, config, CheckpointOptions.from(config));
  }

  public static CheckpointStore open(String rootUri, StoreConfig config, CheckpointOptions options) throws IOException {
    ObjectUri root = ObjectUri.parseOrLocalPath(rootUri);
    StoreRegistry registry = new StoreRegistry(config);
    try {
      return new CheckpointStore(registry.storeFor(root), registry, root, options);
    } catch (IOException | RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  /** Opens the checkpoints under {@code root} on a store the caller owns (and closes). */
  public static CheckpointStore open(ObjectStore store, ObjectUri root, CheckpointOptions options) {
    if (store.scheme() != root.scheme()) {
      throw new IllegalArgumentException("Cannot open checkpoints at " + root + " on a " + store.scheme().id() + ":// store");
    }
    return new CheckpointStore(store, null, root, options);
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The checkpoint root (ends with '/'). */
  public ObjectUri root() {
    return layout.root();
  }

  public CheckpointOptions options() {
    return options;
  }

  // ------------------------------------------------------------------ save

  /** Saves a checkpoint of one process (world size 1) and commits it. */
  public CheckpointInfo save(long step, List<TensorSource> tensors, Map<String, String> userMetadata) throws IOException {
    return save(step, tensors, userMetadata, CheckpointCollective.single());
  }

  /**
   * One rank's part of a distributed save: every rank of {@code group} calls this with its own
   * tensors; each writes its shard; rank 0 chooses the save id, checks all shards and commits.
   * Every rank returns the same committed checkpoint or throws the same failure.
   *
   * @param userMetadata recorded in the manifest; only rank 0's is used
   * @throws CheckpointExistsException when the step is already committed (by an earlier or a
   *     concurrent save)
   * @throws CheckpointException when a rank failed or a shard did not pass the commit checks;
   *     nothing was committed
   */
  public CheckpointInfo save(long step, List<TensorSource> tensors, Map<String, String> userMetadata,
      CheckpointCollective group) throws IOException {
    Objects.requireNonNull(tensors, "tensors is null");
    Objects.requireNonNull(userMetadata, "userMetadata is null");
    return new SaveOperation(this, step, group).run(List.copyOf(tensors), userMetadata);
  }

  /** {@link #saveAsync(long, List, Map, CheckpointCollective)} of one process. */
  public CompletableFuture<CheckpointInfo> saveAsync(long step, List<TensorSource> tensors,
      Map<String, String> userMetadata) throws IOException {
    return saveAsync(step, tensors, userMetadata, CheckpointCollective.single());
  }

  /**
   * Runs {@link #save(long, List, Map, CheckpointCollective)} in the background. One save is in
   * flight at a time: this call first waits for the previous one to finish. The sources are read
   * in the background, so their bytes must not change until the future completes. A save that
   * fails completes the future exceptionally and leaves no visible checkpoint.
   */
  public CompletableFuture<CheckpointInfo> saveAsync(long step, List<TensorSource> tensors,
      Map<String, String> userMetadata, CheckpointCollective group) throws IOException {
    List<TensorSource> copy = List.copyOf(tensors);
    Map<String, String> meta = Map.copyOf(userMetadata);
    try {
      saveSlot.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the previous save to finish");
    }
    CompletableFuture<CheckpointInfo> f = new CompletableFuture<>();
    try {
      saver.execute(() -> {
        try {
          f.complete(save(step, copy, meta, group));
        } catch (Throwable t) {
          f.completeExceptionally(t);
        } finally {
          saveSlot.release();
        }
      });
    } catch (RuntimeException e) {
      saveSlot.release();
      throw e;
    }
    return f;
  }

  // ------------------------------------------------------------------ read

  /** Committed checkpoints, by step ascending (manifests that fail their checks are left out and logged). */
  public List<CheckpointInfo> list() throws IOException {
    List<CheckpointInfo> out = new ArrayList<>();
    for (Map.Entry<Long, ObjectUri> e : catalog.committedSteps().entrySet()) {
      try {
        out.add(CheckpointInfo.of(catalog.manifest(e.getKey()), e.getValue()));
      } catch (CheckpointNotFoundException gone) {
        // deleted while listing
      } catch (CheckpointCorruptException bad) {
        LOG.warn("Leaving out step {}: {}", e.getKey(), bad.getMessage());
      }
    }
    return out;
  }

  /** Steps that have a manifest, ascending, whether or not the manifest passes its checks. */
  public List<Long> committedSteps() throws IOException {
    return new ArrayList<>(catalog.committedSteps().keySet());
  }

  /**
   * The newest committed checkpoint, found by listing the manifests (the latest pointer is only
   * a hint: a save killed between its commit and the pointer update leaves it behind).
   */
  public Optional<CheckpointInfo> latest() throws IOException {
    TreeMap<Long, ObjectUri> steps = catalog.committedSteps();
    for (Long step : steps.descendingKeySet()) {
      try {
        return Optional.of(CheckpointInfo.of(catalog.manifest(step), steps.get(step)));
      } catch (CheckpointNotFoundException gone) {
        // deleted while listing
      } catch (CheckpointCorruptException bad) {
        LOG.warn("Skipping step {} for latest: {}", step, bad.getMessage());
      }
    }
    return Optional.empty();
  }

  /** The step the {@code latest} pointer names, if it exists (a hint; see {@link #latest()}). */
  public Optional<Long> latestPointer() throws IOException {
    long s = catalog.latestPointer();
    return s < 0 ? Optional.empty() : Optional.of(s);
  }

  /**
   * Opens the committed checkpoint of {@code step}: reads and checks the manifest, and opens every
   * shard (present, of the recorded size, header, trailer and index sound) in parallel. Tensors
   * are read on demand.
   */
  public Checkpoint load(long step) throws IOException {
    Manifest m = catalog.manifest(step);
    Checkpoint c = new Checkpoint(this, m);
    List<CompletableFuture<Void>> opens = new ArrayList<>();
    for (int r = 0; r < m.worldSize(); r++) {
      int rank = r;
      opens.add(CompletableFuture.runAsync(() -> {
        try {
          c.shard(rank);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, ioPool));
    }
    ShardReader.await(CompletableFuture.allOf(opens.toArray(new CompletableFuture<?>[0])));
    return c;
  }

  /** Opens the committed checkpoint of {@code step} for one rank: only that rank's shard is opened. */
  public Checkpoint load(long step, int rank) throws IOException {
    Checkpoint c = new Checkpoint(this, catalog.manifest(step));
    c.shard(rank);
    return c;
  }

  /** {@link #load(long)} of {@link #latest()}. */
  public Checkpoint loadLatest() throws IOException {
    CheckpointInfo info = latest().orElseThrow(() -> new CheckpointNotFoundException(
        "No committed checkpoint under " + layout.root()));
    return load(info.step());
  }

  /**
   * Reads every byte of the checkpoint of {@code step} and checks it: the manifest, each shard's
   * size and CRC32C against the manifest, and every chunk and tensor checksum.
   *
   * @return the checkpoint, when everything matched
   * @throws CheckpointCorruptException naming the rank, the part (tensor, header, index, trailer,
   *     shard) and the expected and actual CRC32C of the first problem found
   */
  public CheckpointInfo verify(long step) throws IOException {
    Manifest m = catalog.manifest(step);
    Checkpoint c = new Checkpoint(this, m);
    List<CompletableFuture<Void>> checks = new ArrayList<>();
    for (Manifest.Shard s : m.shards()) {
      checks.add(CompletableFuture.runAsync(() -> {
        try {
          ShardReader r = c.shard(s.rank());
          int actual = r.verifyAll();
          if (actual != s.crc32c()) {
            throw r.context().corrupt("shard", null, "CRC32C of the whole shard does not match the manifest", -1,
                s.crc32c(), actual);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, ioPool));
    }
    ShardReader.await(CompletableFuture.allOf(checks.toArray(new CompletableFuture<?>[0])));
    return CheckpointInfo.of(m, layout.manifest(step));
  }

  // ------------------------------------------------------------------ delete

  /**
   * Deletes the checkpoint of {@code step}: the latest pointer is moved off it first, then its
   * manifest is deleted (it is no longer committed), then its shards (and any uncommitted save of
   * the same step).
   */
  public void delete(long step) throws IOException {
    Layout.checkStep(step);
    if (!catalog.committedSteps().containsKey(step) && catalog.saves(step).isEmpty()) {
      throw new CheckpointNotFoundException("No checkpoint at step " + step + " under " + layout.root());
    }
    catalog.deleteStep(step);
  }

  /**
   * Keeps the newest {@code keepLast} committed checkpoints and deletes the older ones (each
   * uncommitted before its shards go), and removes uncommitted saves: those of a committed step
   * that lost to another save, and those of steps below the newest committed one that have not
   * been written to for {@link CheckpointOptions#pruneGrace()}. A save still running at a newer
   * step is never touched.
   */
  public PruneResult prune(int keepLast) throws IOException {
    PruneResult plan = prunePlan(keepLast);
    for (long step : plan.deletedSteps()) {
      catalog.deleteStep(step);
    }
    for (String save : plan.removedSaves()) {
      int slash = save.indexOf('/');
      long step = Layout.stepDirStep(save.substring(0, slash));
      if (slash == save.length() - 1) {
        catalog.deleteStepFolder(step);   // only temporary files of local writers killed before their close
      } else {
        catalog.deleteSave(step, save.substring(slash + 1));
      }
    }
    return plan;
  }

  /** What {@link #prune} would delete now, without deleting anything (a dry run). */
  public PruneResult prunePlan(int keepLast) throws IOException {
    if (keepLast < 1) {
      throw new IllegalArgumentException("Cannot prune to keep " + keepLast + " checkpoints: keep at least 1");
    }
    TreeMap<Long, ObjectUri> committed = catalog.committedSteps();
    List<Long> deleted = new ArrayList<>();
    List<Long> steps = new ArrayList<>(committed.keySet());
    for (int i = 0; i < steps.size() - keepLast; i++) {
      deleted.add(steps.get(i));
      committed.remove(steps.get(i));
    }
    List<String> removed = new ArrayList<>();
    long newest = committed.isEmpty() ? -1 : committed.lastKey();
    Instant cutoff = Instant.now().minus(options.pruneGrace());
    java.util.Set<Long> withSaves = new java.util.HashSet<>();
    for (Partial p : partials(committed.keySet())) {
      withSaves.add(p.step());
      boolean abandoned = p.step() < newest && p.lastWritten().isBefore(cutoff);
      if (!deleted.contains(p.step()) && (p.lostRace() || abandoned)) {
        removed.add(Layout.stepDirName(p.step()) + p.saveId());
      }
    }
    for (long step : catalog.stepFolders()) {
      if (step < newest && !committed.containsKey(step) && !deleted.contains(step) && !withSaves.contains(step)) {
        Instant local = catalog.localNewest(step);
        if (local != null && local.isBefore(cutoff)) {
          removed.add(Layout.stepDirName(step));
        }
      }
    }
    return new PruneResult(deleted, removed);
  }

  /**
   * What {@link #prune} removed.
   *
   * @param deletedSteps committed checkpoints deleted
   * @param removedSaves uncommitted saves removed ({@code step-N/SAVE_ID}, or {@code step-N/} for a local
   *     folder holding only the temporary files of writers killed before their close)
   */
  public record PruneResult(List<Long> deletedSteps, List<String> removedSaves) {
  }

  /**
   * Uncommitted saves: {@code step-N/SAVE_ID} folders that no manifest names (running, failed, or
   * killed saves, or saves that lost a race to commit), with the time of their newest object.
   */
  public Map<String, Instant> uncommittedSaves() throws IOException {
    Map<String, Instant> out = new java.util.LinkedHashMap<>();
    for (Partial p : partials(catalog.committedSteps().keySet())) {
      out.put(Layout.stepDirName(p.step()) + p.saveId(), p.lastWritten());
    }
    return out;
  }

  /** An uncommitted save; {@code lostRace}: its step is committed by another save. */
  private record Partial(long step, String saveId, Instant lastWritten, boolean lostRace) {
  }

  /** The uncommitted saves, by step; steps whose manifest cannot be read are left out (and alone). */
  private List<Partial> partials(java.util.Set<Long> committed) throws IOException {
    List<Partial> out = new ArrayList<>();
    for (long step : catalog.stepFolders()) {
      String keep = null;
      if (committed.contains(step)) {
        try {
          keep = catalog.manifest(step).saveId();
        } catch (CheckpointException e) {
          continue;
        }
      }
      for (Map.Entry<String, Instant> save : catalog.saves(step).entrySet()) {
        if (!save.getKey().equals(keep)) {
          out.add(new Partial(step, save.getKey(), save.getValue(), keep != null));
        }
      }
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    saver.shutdown();
    try {
      saveSlot.acquire();   // the save in flight, if any, finishes first
      saveSlot.release();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ioPool.shutdownNow();
    compressPool.shutdownNow();
    if (ownedRegistry != null) {
      ownedRegistry.close();
    }
  }

  // ------------------------------------------------------------------ for the operations

  ObjectStore objectStore() {
    return store;
  }

  Layout layout() {
    return layout;
  }

  Catalog catalog() {
    return catalog;
  }

  ExecutorService ioPool() {
    return ioPool;
  }

  ExecutorService compressPool() {
    return compressPool;
  }

  ShardContext shardContext(Manifest m, int rank) {
    Manifest.Shard s = m.shards().get(rank);
    return new ShardContext(layout.root().toString(), m.step(), m.saveId(), rank, m.worldSize(), layout.resolve(s.key()));
  }
}
