package io.s3dlio.checkpoint;

import io.s3dlio.checkpoint.format.Manifest;
import io.s3dlio.checkpoint.format.ShardReader;
import io.s3dlio.checkpoint.format.TensorEntry;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A committed checkpoint opened for reading ({@link CheckpointStore#load}). Only the tensors asked
 * for are read, with ranged reads of whole chunks in parallel; every chunk's and every tensor's
 * CRC32C is checked, and a mismatch throws {@link CheckpointCorruptException}.
 *
 * <p>Tensor names are per rank (ranks of a sharded model often use the same names); the methods
 * without a rank are for checkpoints of world size 1. Thread-safe.
 */
public final class Checkpoint {
  private final CheckpointStore owner;
  private final Manifest manifest;
  private final AtomicReferenceArray<ShardReader> shards;

  Checkpoint(CheckpointStore owner, Manifest manifest) {
    this.owner = owner;
    this.manifest = manifest;
    this.shards = new AtomicReferenceArray<>(manifest.worldSize());
  }

  public CheckpointInfo info() {
    return CheckpointInfo.of(manifest, owner.layout().manifest(manifest.step()));
  }

  public long step() {
    return manifest.step();
  }

  public String saveId() {
    return manifest.saveId();
  }

  public int worldSize() {
    return manifest.worldSize();
  }

  public Map<String, String> userMetadata() {
    return manifest.userMetadata();
  }

  /** The tensors of {@code rank}'s shard, in the order they were saved. */
  public List<TensorSpec> tensors(int rank) throws IOException {
    List<TensorSpec> out = new ArrayList<>();
    for (TensorEntry e : shard(rank).index().tensors()) {
      out.add(e.spec());
    }
    return out;
  }

  /** The tensors of a world-size-1 checkpoint. */
  public List<TensorSpec> tensors() throws IOException {
    return tensors(onlyRank());
  }

  /** Reads one tensor of {@code rank}. */
  public Tensor read(int rank, String name) throws IOException {
    return read(rank, List.of(name)).get(name);
  }

  /** Reads one tensor of a world-size-1 checkpoint. */
  public Tensor read(String name) throws IOException {
    return read(onlyRank(), name);
  }

  /** Reads the named tensors of {@code rank} in parallel; the map keeps the order of {@code names}. */
  public Map<String, Tensor> read(int rank, Collection<String> names) throws IOException {
    ShardReader r = shard(rank);
    List<TensorEntry> entries = new ArrayList<>();
    for (String n : names) {
      entries.add(r.entry(n));
    }
    return read(r, entries);
  }

  /** Reads the named tensors of a world-size-1 checkpoint. */
  public Map<String, Tensor> read(Collection<String> names) throws IOException {
    return read(onlyRank(), names);
  }

  /** Reads every tensor of {@code rank}. */
  public Map<String, Tensor> readAll(int rank) throws IOException {
    ShardReader r = shard(rank);
    return read(r, r.index().tensors());
  }

  /** Reads every tensor of a world-size-1 checkpoint. */
  public Map<String, Tensor> readAll() throws IOException {
    return readAll(onlyRank());
  }

  private static Map<String, Tensor> read(ShardReader r, List<TensorEntry> entries) throws IOException {
    List<CompletableFuture<byte[]>> futures = new ArrayList<>();
    for (TensorEntry e : entries) {
      futures.add(r.readAsync(e));
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    IOException first = null;
    for (int i = 0; i < entries.size(); i++) {
      try {
        out.put(entries.get(i).name(), Tensor.of(entries.get(i).spec(), ShardReader.await(futures.get(i))));
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
    return out;
  }

  /**
   * Streams one tensor's raw bytes (for tensors too large for memory): chunks are fetched in
   * parallel a few ahead of the reader, and the tensor's CRC32C is checked at its end.
   */
  public InputStream open(int rank, String name) throws IOException {
    ShardReader r = shard(rank);
    return r.stream(r.entry(name), Math.max(2, owner.options().readRangeSize() / owner.options().chunkSize()) * 2);
  }

  private int onlyRank() throws CheckpointException {
    if (manifest.worldSize() != 1) {
      throw new CheckpointException("Checkpoint step " + manifest.step() + " under " + owner.root() + " has "
          + manifest.worldSize() + " ranks: name the rank");
    }
    return 0;
  }

  /** The reader of {@code rank}'s shard, opened (and checked) on first use. */
  ShardReader shard(int rank) throws IOException {
    if (rank < 0 || rank >= manifest.worldSize()) {
      throw new IllegalArgumentException("Checkpoint step " + manifest.step() + " has ranks 0 to "
          + (manifest.worldSize() - 1) + ", not " + rank);
    }
    ShardReader r = shards.get(rank);
    if (r == null) {
      r = ShardReader.open(owner.objectStore(), owner.shardContext(manifest, rank),
          manifest.shards().get(rank).size(), owner.ioPool(), owner.options().readRangeSize());
      shards.compareAndSet(rank, null, r);
    }
    return r;
  }
}
