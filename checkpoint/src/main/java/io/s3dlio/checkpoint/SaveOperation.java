package io.s3dlio.checkpoint;

import io.s3dlio.checkpoint.dist.CheckpointCollective;
import io.s3dlio.checkpoint.format.Crc32c;
import io.s3dlio.checkpoint.format.Json;
import io.s3dlio.checkpoint.format.JsonObject;
import io.s3dlio.checkpoint.format.Layout;
import io.s3dlio.checkpoint.format.Manifest;
import io.s3dlio.checkpoint.format.ShardContext;
import io.s3dlio.checkpoint.format.ShardHeader;
import io.s3dlio.checkpoint.format.ShardReader;
import io.s3dlio.checkpoint.format.ShardWriter;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ObjectWriter;
import io.s3dlio.store.StoreErrors;
import io.s3dlio.store.WriteOptions;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rank's part of one save: receive the save id from the coordinator, write this rank's shard,
 * report it; on the coordinator, check every shard, commit by creating the manifest (create-only),
 * then advance the latest pointer; every rank returns the coordinator's outcome.
 */
final class SaveOperation {
  private static final Logger LOG = LoggerFactory.getLogger(SaveOperation.class);

  private final CheckpointStore owner;
  private final ObjectStore store;
  private final Layout layout;
  private final Catalog catalog;
  private final CheckpointOptions options;
  private final long step;
  private final CheckpointCollective group;

  SaveOperation(CheckpointStore owner, long step, CheckpointCollective group) {
    this.owner = owner;
    this.store = owner.objectStore();
    this.layout = owner.layout();
    this.catalog = owner.catalog();
    this.options = owner.options();
    this.step = Layout.checkStep(step);
    this.group = group;
  }

  CheckpointInfo run(List<TensorSource> tensors, Map<String, String> userMetadata) throws IOException {
    int rank = group.rank();
    int world = group.worldSize();
    JsonObject start = message(group.broadcast(rank == 0 ? begin() : null), "start");
    if (start.has("error")) {
      throw failure(start);
    }
    String saveId = Layout.checkSaveId(start.string("saveId"));
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("rank", (long) rank);
    try {
      ShardWriter.Result r = writeShard(saveId, rank, world, tensors);
      report.put("size", r.size());
      report.put("crc32c", Crc32c.json(r.crc32c()));
      report.put("tensors", (long) r.tensors());
    } catch (IOException | RuntimeException e) {
      report.put("error", "rank " + rank + ": " + describe(e));
      LOG.debug("Rank {} failed to write its shard of step {}", rank, step, e);
    }
    List<String> reports = group.gather(Json.write(report));
    String outcome = rank == 0 ? commit(saveId, world, reports, userMetadata) : null;
    JsonObject result = message(group.broadcast(outcome), "outcome");
    if (result.has("error")) {
      throw failure(result);
    }
    return new CheckpointInfo(step, saveId, world, result.integer("totalBytes"), Instant.parse(result.string("createdAt")),
        options.compression().id(), rank == 0 ? Map.copyOf(userMetadata) : Map.of(), layout.manifest(step));
  }

  private static String describe(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : StoreErrors.rootCause(e);
  }

  private JsonObject message(String text, String what) throws CheckpointException {
    try {
      return JsonObject.parse(text, "save " + what + " message");
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new CheckpointException("Cannot save step " + step + " under " + layout.root() + ": bad " + what
          + " message from the coordinator: " + text, e);
    }
  }

  private CheckpointException failure(JsonObject m) {
    String msg = m.string("error");
    if (m.has("exists")) {
      return new CheckpointExistsException(msg, step, null);
    }
    return new CheckpointException(msg);
  }

  /** Coordinator: the save id for every rank, or an error when the step is already committed. */
  private String begin() {
    try {
      store.stat(layout.manifest(step));
      return Json.write(Map.of("error", "Cannot save step " + step + " under " + layout.root()
          + ": that step is already committed (" + layout.manifest(step) + ")", "exists", true));
    } catch (FileNotFoundException expected) {
      return Json.write(Map.of("saveId", Layout.newSaveId()));
    } catch (IOException e) {
      return Json.write(Map.of("error", "Cannot save step " + step + " under " + layout.root() + ": " + describe(e)));
    }
  }

  private ShardWriter.Result writeShard(String saveId, int rank, int world, List<TensorSource> tensors)
      throws IOException {
    ObjectUri uri = layout.resolve(Layout.shardKey(step, saveId, rank, world));
    ShardHeader header = new ShardHeader(step, rank, world, options.chunkSize(),
        options.compression() == CheckpointOptions.Compression.ZSTD, saveId);
    ShardWriter writer = new ShardWriter(header, options.zstdLevel(), owner.compressPool(), 2 * options.compressThreads());
    ObjectWriter out = store.openWriter(uri, WriteOptions.DEFAULT);
    try {
      ShardWriter.Result r = writer.write(out, tensors);
      out.close();
      return r;
    } catch (IOException | RuntimeException | Error e) {
      try {
        out.abort();
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Coordinator: check the shards, create the manifest, advance latest; returns the outcome message. */
  private String commit(String saveId, int world, List<String> reports, Map<String, String> userMetadata) {
    String label = catalog.label(step, saveId);
    List<String> errors = new ArrayList<>();
    List<Manifest.Shard> shards = new ArrayList<>();
    for (int r = 0; r < world; r++) {
      try {
        JsonObject rep = JsonObject.parse(reports.get(r), "report of rank " + r);
        if (rep.has("error")) {
          errors.add(rep.string("error"));
          continue;
        }
        shards.add(new Manifest.Shard(r, Layout.shardKey(step, saveId, r, world), rep.integer("size"),
            rep.crc("crc32c"), (int) rep.integer("tensors")));
      } catch (RuntimeException e) {
        errors.add("rank " + r + ": bad report: " + e.getMessage());
      }
    }
    if (errors.isEmpty()) {
      try {
        checkShards(saveId, world, shards);
      } catch (IOException e) {
        errors.add(describe(e));
      }
    }
    if (!errors.isEmpty()) {
      discard(saveId);
      return Json.write(Map.of("error", "Cannot commit " + label + ": " + String.join("; ", errors)
          + "; nothing was committed"));
    }
    Manifest m = new Manifest(step, saveId, world, Instant.now(), options.compression().id(), shards, userMetadata);
    ObjectUri uri = layout.manifest(step);
    try {
      store.put(uri, m.encode(), WriteOptions.createNew());
    } catch (IOException e) {
      // The write may have happened although it reported an error (a lost reply, or a retry of a
      // create that had succeeded answered "exists"): the manifest now there tells.
      Boolean ours = manifestIsOurs(saveId);
      if (ours == null) {
        return Json.write(Map.of("error", "Cannot commit " + label + ": writing the manifest " + uri + " failed ("
            + describe(e) + ") and reading it back failed too: the outcome is unknown, the shards were kept"));
      }
      if (!ours) {
        discard(saveId);
        if (e instanceof FileAlreadyExistsException) {
          return Json.write(Map.of("error", "Cannot commit " + label + ": step " + step
              + " was committed by another save first (" + uri + "); this save's shards were removed", "exists", true));
        }
        return Json.write(Map.of("error", "Cannot commit " + label + ": writing the manifest " + uri + " failed: "
            + describe(e) + "; nothing was committed"));
      }
      LOG.warn("The manifest write of {} reported an error but the manifest there is this save's: committed ({})",
          label, describe(e));
    }
    boolean latest = true;
    try {
      catalog.advanceLatest(m);
    } catch (IOException | RuntimeException e) {
      latest = false;
      LOG.warn("Committed {}, but could not update the latest pointer {} (readers list manifests, so the"
          + " checkpoint is found anyway): {}", label, layout.latest(), describe(e));
    }
    Map<String, Object> ok = new LinkedHashMap<>();
    ok.put("committed", true);
    ok.put("createdAt", m.createdAt().toString());
    ok.put("totalBytes", m.totalBytes());
    ok.put("latestUpdated", latest);
    return Json.write(ok);
  }

  /** Whether the manifest of the step names this save: true, false (absent or another save's), or null (unknown). */
  private Boolean manifestIsOurs(String saveId) {
    try {
      return catalog.manifest(step).saveId().equals(saveId);
    } catch (CheckpointNotFoundException e) {
      return false;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Every shard is there with the size its rank reported and a sound header, trailer and index. */
  private void checkShards(String saveId, int world, List<Manifest.Shard> shards) throws IOException {
    List<CompletableFuture<Void>> checks = new ArrayList<>();
    for (Manifest.Shard s : shards) {
      ShardContext ctx = new ShardContext(layout.root().toString(), step, saveId, s.rank(), world, layout.resolve(s.key()));
      checks.add(CompletableFuture.runAsync(() -> {
        try {
          ShardReader reader = ShardReader.open(store, ctx, s.size(), owner.ioPool(), options.readRangeSize());
          if (options.commitCheck() == CheckpointOptions.CommitCheck.FULL) {
            int actual = reader.verifyAll();
            if (actual != s.crc32c()) {
              throw ctx.corrupt("shard", null, "CRC32C of the shard does not match what its rank wrote", -1,
                  s.crc32c(), actual);
            }
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }, owner.ioPool()));
    }
    ShardReader.await(CompletableFuture.allOf(checks.toArray(new CompletableFuture<?>[0])));
  }

  /** Removes this save's shards (best effort: prune removes what is left). */
  private void discard(String saveId) {
    try {
      catalog.deleteSave(step, saveId);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not remove the shards of the failed save {} of step {} under {}: {}", saveId, step,
          layout.root(), describe(e));
    }
  }
}
