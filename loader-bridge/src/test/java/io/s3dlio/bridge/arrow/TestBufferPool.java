package io.s3dlio.bridge.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Encode buffers reused across blocks: what comes back, what is kept, and that reuse leaks no old values. */
class TestBufferPool {
  private static final int BIG = BufferPool.MIN_BYTES;

  @Test
  void lentArraysComeBackForTheSameLength() {
    BufferPool pool = new BufferPool(() -> Long.MAX_VALUE);
    byte[] a = pool.take(BIG);
    byte[] b = pool.take(BIG + 8);
    assertThat(a).hasSize(BIG);
    pool.recycle(IpcRecordBatch.of(1, new long[] {1, 0}, new byte[][] {a, b, new byte[BIG]}));
    assertThat(pool.freeBytes()).isEqualTo(2L * BIG + 8); // the array it did not lend is not kept
    assertThat(pool.take(BIG + 8)).isSameAs(b);
    assertThat(pool.take(BIG)).isSameAs(a);
    assertThat(pool.take(BIG)).isNotSameAs(a); // each array once
    assertThat(pool.reused()).isEqualTo(2);
    pool.recycle(IpcRecordBatch.of(1, new long[] {1, 0}, new byte[][] {a}));
    pool.recycle(IpcRecordBatch.of(1, new long[] {1, 0}, new byte[][] {a})); // twice: kept once
    assertThat(pool.freeBytes()).isEqualTo(BIG);
    pool.clear();
    assertThat(pool.freeBytes()).isZero();
    assertThat(pool.take(BIG)).isNotSameAs(a);
  }

  @Test
  void keepsNoMoreThanItsLimitNorSmallArrays() {
    AtomicLong limit = new AtomicLong(BIG);
    BufferPool pool = new BufferPool(limit::get);
    byte[] a = pool.take(BIG);
    byte[] b = pool.take(BIG);
    byte[] small = pool.take(BIG - 1);
    pool.recycle(IpcRecordBatch.of(1, new long[] {1, 0}, new byte[][] {a, b, small}));
    assertThat(pool.freeBytes()).isEqualTo(BIG);
    limit.set(Long.MAX_VALUE);
    assertThat(pool.take(BIG)).isSameAs(a);
    assertThat(pool.take(BIG)).isNotSameAs(b);
    assertThat(pool.take(BIG - 1)).isNotSameAs(small);

    byte[] c = BufferPool.NONE.take(BIG);
    BufferPool.NONE.recycle(IpcRecordBatch.of(1, new long[] {1, 0}, new byte[][] {c}));
    assertThat(BufferPool.NONE.freeBytes()).isZero();
    assertThat(BufferPool.NONE.take(BIG)).isNotSameAs(c);
  }

  @Test
  void aReusedArrayHoldsNoOldValuesAtNullSlots() {
    WireSchema wire = WireSchema.of(new StructType().add("v", DataTypes.LongType, true), Map.of());
    int rows = BIG / 8;
    BufferPool pool = new BufferPool(() -> Long.MAX_VALUE);
    IpcRecordBatch first = encode(wire, pool, rows, false);
    byte[] data = first.buffer(1);
    assertThat(data[8 * 5]).isEqualTo((byte) 5);
    pool.recycle(first);
    IpcRecordBatch second = encode(wire, pool, rows, true);
    assertThat(second.buffer(1)).isSameAs(data);
    assertThat(second.layout().nullCounts()[0]).isEqualTo((rows + 1) / 2);
    for (int slot = 0; slot < rows; slot++) {
      long v = java.nio.ByteBuffer.wrap(data, 8 * slot, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
      assertThat(v).as("slot %d", slot).isEqualTo(slot % 2 == 0 ? 0 : 1000L + slot);
    }
  }

  /** Rows in slot order: row i holds i (first) or, every other one null, 1000 + i (second). */
  private static IpcRecordBatch encode(WireSchema wire, BufferPool pool, int rows, boolean second) {
    PartitionEncoder e = new PartitionEncoder(wire, 0, rows, pool);
    for (int i = 0; i < rows; i++) {
      Object v = second ? (i % 2 == 0 ? null : (Object) (1000L + i)) : (Object) (long) i;
      GenericInternalRow r = new GenericInternalRow(new Object[] {v});
      e.put(r, i, i);
    }
    return e.finish();
  }
}
