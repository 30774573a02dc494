package io.s3dlio.loader;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A map-style dataset computed in memory (for loader tests): sample i has "x" = INT64 [i, 3i] and
 * "b" = (i % 7) + 1 bytes of value i. It can fail chosen indices, sleep per fetch, or block.
 */
final class MemoryDataset implements MapDataset {
  final long n;
  Set<Long> failing = Set.of();
  long fetchMillis;
  CountDownLatch block;
  /** Fetch parts of this many samples (0: one part per fetch, the default). */
  int partSize;
  /** Thrown by {@link #split} for fetches of more than one sample, when set. */
  RuntimeException splitError;
  /** What {@link #localReads} says. */
  boolean local;
  final AtomicInteger fetches = new AtomicInteger();
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger peakRunning = new AtomicInteger();

  MemoryDataset(long n) {
    this.n = n;
  }

  @Override
  public long size() {
    return n;
  }

  @Override
  public boolean localReads() {
    return local;
  }

  @Override
  public Sample get(long i) throws IOException {
    if (failing.contains(i)) {
      throw new SampleException(i, describe(i), 8 * i, "injected failure", new IOException("boom"));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("x", Tensor.of(new long[] {i, 3 * i}, 2));
    byte[] b = new byte[(int) (i % 7) + 1];
    java.util.Arrays.fill(b, (byte) i);
    m.put("b", b);
    return Sample.of(i, m);
  }

  @Override
  public Sample[] getAll(long[] indices, SampleException[] errors, FetchContext ctx) {
    fetches.incrementAndGet();
    peakRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
    try {
      if (block != null) {
        block.await();
      }
      if (fetchMillis > 0) {
        Thread.sleep(fetchMillis);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      running.decrementAndGet();
    }
    return MapDataset.super.getAll(indices, errors, ctx);
  }

  @Override
  public java.util.List<int[]> split(long[] indices) {
    if (splitError != null && indices.length > 1) {
      throw splitError;
    }
    if (partSize == 0) {
      return MapDataset.super.split(indices);
    }
    java.util.List<int[]> parts = new java.util.ArrayList<>();
    for (int i = 0; i < indices.length; i += partSize) {
      int[] p = new int[Math.min(partSize, indices.length - i)];
      for (int k = 0; k < p.length; k++) {
        p[k] = i + k;
      }
      parts.add(p);
    }
    return parts;
  }

  @Override
  public String describe(long index) {
    return "mem://sample-" + index;
  }

  @Override
  public long estimateBytes(long index) {
    return 16 + (index % 7) + 1;
  }

  @Override
  public Map<String, FieldSpec> schema() {
    return Map.of("x", FieldSpec.tensor("x", DType.INT64, 2), "b", FieldSpec.bytes("b"));
  }

  @Override
  public String fingerprint() {
    return "mem-" + n;
  }
}
