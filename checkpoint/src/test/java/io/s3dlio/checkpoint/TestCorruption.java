package io.s3dlio.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.checkpoint.CheckpointOptions.Compression;
import io.s3dlio.checkpoint.dist.CheckpointCollective;
import io.s3dlio.checkpoint.dist.InProcessCollective;
import io.s3dlio.checkpoint.format.Crc32c;
import io.s3dlio.store.ObjectUri;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Damaged checkpoints on file://: every kind of damage is found, with an error naming the
 * checkpoint, the rank, the part or tensor, and the expected and actual CRC32C where a checksum
 * failed.
 */
class TestCorruption {
  @TempDir
  static Path dir;
  /** A world-size-2 checkpoint of step 1 whose two shards have the same size. */
  private record Saved(CheckpointStore cs, Path root, Path[] shards, Path manifest) {
  }

  private Saved save(Compression c) throws Exception {
    return save(c, 0);
  }

  private Saved save(Compression c, int seed) throws Exception {
    Path root = dir.resolve(UUID.randomUUID().toString());
    CheckpointStore cs = CheckpointStore.open(TestStores.local(), ObjectUri.local(ObjectUri.Scheme.FILE, root + "/"),
        AbstractCheckpointStoreTest.SMALL_CHUNKS.withCompression(c));
    List<CheckpointCollective> g = InProcessCollective.create(2, Duration.ofSeconds(60));
    List<CheckpointInfo> infos = AbstractCheckpointStoreTest.runRanks(2, r -> cs.save(1,
        List.of(Fixtures.randomF32("w", 30_000, seed + r), Fixtures.randomF32("b", 100, seed + r)), Map.of("lr", "0.001"), g.get(r)));
    Path stepDir = root.resolve("step-000000000001").resolve(infos.get(0).saveId());
    return new Saved(cs, root, new Path[] {stepDir.resolve("rank-00000-of-00002.shard"),
        stepDir.resolve("rank-00001-of-00002.shard")}, root.resolve("step-000000000001.manifest.json"));
  }

  private static void flip(Path p, long offset) throws Exception {
    byte[] b = Files.readAllBytes(p);
    b[(int) offset] ^= 0x40;
    Files.write(p, b);
  }

  private static long trailerStart(Path p) throws Exception {
    return Files.size(p) - 32;
  }

  private static long indexOffset(Path p) throws Exception {
    byte[] b = Files.readAllBytes(p);
    return ByteBuffer.wrap(b, b.length - 32, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  /** The error of {@code call}, checked for the checkpoint, rank and part. */
  private static CheckpointCorruptException expectCorrupt(ThrowingCallable call, Saved s, int rank, String part) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(t).isInstanceOf(CheckpointCorruptException.class)
        .hasMessageContaining(s.cs().root().toString())
        .hasMessageContaining(rank >= 0 ? "step 1 (save " : "step 1")
        .hasMessageContaining(rank >= 0 ? "rank " + rank : "manifest");
    CheckpointCorruptException c = (CheckpointCorruptException) t;
    assertThat(c.rank()).isEqualTo(rank);
    assertThat(c.part()).isEqualTo(part);
    return c;
  }

  private static void expectCrcs(CheckpointCorruptException c) {
    assertThat(c.expectedCrc()).isNotNull();
    assertThat(c.actualCrc()).isNotNull().isNotEqualTo(c.expectedCrc());
    assertThat(c.getMessage()).contains("expected CRC32C " + Crc32c.hex(c.expectedCrc()))
        .contains("actual " + Crc32c.hex(c.actualCrc()));
  }

  @Test
  void flippedHeaderByte() throws Exception {
    Saved s = save(Compression.NONE);
    flip(s.shards[1], 20);
    CheckpointCorruptException c = expectCorrupt(() -> s.cs().load(1), s, 1, "header");
    expectCrcs(c);
    assertThat(c).hasMessageContaining("header CRC32C mismatch").hasMessageContaining(s.shards[1].toString());
    expectCrcs(expectCorrupt(() -> s.cs().verify(1), s, 1, "header"));
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void flippedChunkByte(Compression comp) throws Exception {
    Saved s = save(comp);
    long at = 42 + s.cs().load(1).info().saveId().length() + 5000;   // inside tensor 'w', its second chunk
    flip(s.shards[0], at);
    Checkpoint ck = s.cs().load(1);   // header, trailer and index are fine
    assertThat(ck.read(0, "b").bytes()).hasSize(400);
    CheckpointCorruptException c = expectCorrupt(() -> ck.read(0, "w"), s, 0, "tensor");
    assertThat(c.tensor()).isEqualTo("w");
    assertThat(c).hasMessageContaining("tensor 'w'").hasMessageContaining("chunk 1")
        .hasMessageContaining(comp == Compression.ZSTD ? "zstd frame" : "raw");
    expectCrcs(c);
    expectCrcs(expectCorrupt(() -> {
      try (var in = ck.open(0, "w")) {
        in.readAllBytes();
      }
    }, s, 0, "tensor"));
    expectCrcs(expectCorrupt(() -> s.cs().verify(1), s, 0, "tensor"));
  }

  @Test
  void flippedIndexByte() throws Exception {
    Saved s = save(Compression.ZSTD);
    flip(s.shards[1], indexOffset(s.shards[1]) + 30);
    CheckpointCorruptException c = expectCorrupt(() -> s.cs().load(1), s, 1, "index");
    expectCrcs(c);
  }

  @Test
  void flippedTrailerByte() throws Exception {
    Saved s = save(Compression.NONE);
    flip(s.shards[0], trailerStart(s.shards[0]) + 2);
    CheckpointCorruptException c = expectCorrupt(() -> s.cs().load(1), s, 0, "trailer");
    expectCrcs(c);
    // the trailer's magic too
    Saved t = save(Compression.NONE);
    flip(t.shards[0], trailerStart(t.shards[0]) + 30);
    assertThat(expectCorrupt(() -> t.cs().load(1), t, 0, "trailer")).hasMessageContaining("no magic");
  }

  @Test
  void truncatedShard() throws Exception {
    Saved s = save(Compression.NONE);
    long size = Files.size(s.shards[1]);
    byte[] b = Files.readAllBytes(s.shards[1]);
    Files.write(s.shards[1], Arrays.copyOf(b, b.length - 100));
    assertThat(expectCorrupt(() -> s.cs().load(1), s, 1, "shard"))
        .hasMessageContaining("is " + (size - 100) + " bytes, the manifest records " + size);
  }

  @Test
  void appendedBytes() throws Exception {
    Saved s = save(Compression.ZSTD);
    long size = Files.size(s.shards[0]);
    Files.write(s.shards[0], new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
    assertThat(expectCorrupt(() -> s.cs().load(1), s, 0, "shard"))
        .hasMessageContaining("is " + (size + 3) + " bytes, the manifest records " + size);
  }

  @Test
  void twoRanksShardsSwapped() throws Exception {
    Saved s = save(Compression.NONE);
    assertThat(Files.size(s.shards[0])).isEqualTo(Files.size(s.shards[1]));
    Path tmp = s.root.resolve("swap");
    Files.move(s.shards[0], tmp);
    Files.move(s.shards[1], s.shards[0]);
    Files.move(tmp, s.shards[1]);
    assertThat(expectCorrupt(() -> s.cs().load(1), s, 0, "header"))
        .hasMessageContaining("rank 1 of 2, not to this checkpoint's rank 0 of 2").hasMessageContaining("swapped");
    assertThat(expectCorrupt(() -> s.cs().verify(1), s, 0, "header")).hasMessageContaining("swapped");
  }

  @Test
  void aShardOfTheSameSizeButOtherBytesFailsTheWholeShardCrc() throws Exception {
    // A forgery: our header, then the chunks, index and trailer of another save's shard of the same
    // layout but other values. Every checksum inside the shard holds; only the manifest's CRC32C of
    // the whole shard disagrees, and verify (which reads every byte) finds it.
    Saved s = save(Compression.NONE);
    CheckpointInfo before = s.cs().verify(1);
    assertThat(before.totalBytes()).isEqualTo(Files.size(s.shards[0]) + Files.size(s.shards[1]));
    Saved other = save(Compression.NONE, 100);
    byte[] theirs = Files.readAllBytes(other.shards[1]);
    byte[] ours = Files.readAllBytes(s.shards[1]);
    assertThat(theirs).hasSameSizeAs(ours).isNotEqualTo(ours);
    int header = 42 + s.cs().load(1).saveId().length();
    System.arraycopy(theirs, header, ours, header, ours.length - header);
    Files.write(s.shards[1], ours);
    CheckpointCorruptException c = expectCorrupt(() -> s.cs().verify(1), s, 1, "shard");
    expectCrcs(c);
    assertThat(c).hasMessageContaining("whole shard does not match the manifest");
    assertThat(s.cs().load(1).read(1, "w").bytes()).as("loading checks the chunks and tensors, which hold")
        .hasSize(120_000);
  }

  @Test
  void editedManifest() throws Exception {
    Saved s = save(Compression.NONE);
    String text = Files.readString(s.manifest);
    Files.writeString(s.manifest, text.replace("\"lr\":\"0.001\"", "\"lr\":\"0.002\""));
    CheckpointCorruptException c = expectCorrupt(() -> s.cs().load(1), s, -1, "manifest");
    expectCrcs(c);
    assertThat(c).hasMessageContaining("manifest CRC32C mismatch").hasMessageContaining(s.manifest.toString());
    assertThat(s.cs().list()).as("a manifest that fails its checks is not listed").isEmpty();
    assertThat(s.cs().committedSteps()).containsExactly(1L);

    Saved t = save(Compression.NONE);
    String m = Files.readString(t.manifest);
    Files.writeString(t.manifest, m.replaceFirst("\"size\":(\\d+)", "\"size\":1$1"));
    expectCrcs(expectCorrupt(() -> t.cs().load(1), t, -1, "manifest"));
    assertThat(Files.readString(t.manifest)).isNotEqualTo(m);
    assertThat(m).endsWith("\"}\n").containsPattern(",\"manifestCrc32c\":\"[0-9a-f]{8}\"}\n$");
    assertThat(new String(Files.readAllBytes(t.manifest), StandardCharsets.UTF_8)).doesNotContain("\n\n");
  }

  @Test
  void cleanCheckpointsVerify() throws Exception {
    for (Compression c : Compression.values()) {
      Saved s = save(c);
      assertThat(s.cs().verify(1).worldSize()).isEqualTo(2);
      assertThatThrownBy(() -> s.cs().verify(2)).isInstanceOf(CheckpointNotFoundException.class);
    }
  }
}
