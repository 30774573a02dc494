package io.s3dlio.bridge.spark;

import io.s3dlio.bridge.arrow.IpcRecordBatch;
import io.s3dlio.bridge.arrow.PartitionEncoder;
import io.s3dlio.bridge.arrow.WireSchema;
import io.s3dlio.bridge.plan.PartitionTask;
import io.s3dlio.bridge.upload.Receipt;
import io.s3dlio.bridge.upload.UploadClient;
import io.s3dlio.bridge.upload.UploadTarget;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

/** The code that runs inside executor tasks. Static, and closes over plain serialisable values only. */
final class PartitionFunctions {
  private PartitionFunctions() {
  }

  /** Counts and checksums each partition: {@code [partition, count, checksum]}. */
  static Function2<Integer, Iterator<InternalRow>, Iterator<long[]>> stats(StructType schema) {
    return (partition, rows) -> {
      RowChecksum sum = new RowChecksum(schema);
      while (rows.hasNext()) {
        sum.add(rows.next());
      }
      return List.of(new long[] {partition, sum.rows(), sum.value()}).iterator();
    };
  }

  /** Counts each partition's rows: {@code [partition, count, 0]}. */
  static Function2<Integer, Iterator<InternalRow>, Iterator<long[]>> counts() {
    return (partition, rows) -> {
      long n = 0;
      while (rows.hasNext()) {
        rows.next();
        n++;
      }
      return List.of(new long[] {partition, n, 0}).iterator();
    };
  }

  /**
   * Encodes the partitions named in {@code tasks}: each row goes to its slot of the unit's output;
   * count and checksum cover every row. A partition whose count differs from the expected one, or
   * whose checksum differs from a known one, is returned without data. Otherwise the data is
   * uploaded to {@code target} and the result is the receipt, or (no target, or the driver's upload
   * port cannot be reached) the result holds the data.
   */
  static Function2<Integer, Iterator<InternalRow>, Iterator<EncodedPartition>> encode(StructType schema,
      WireSchema wire, Map<Integer, PartitionTask> tasks, UploadTarget target) {
    return (partition, rows) -> {
      PartitionTask task = tasks.get(partition);
      if (task == null) {
        return List.<EncodedPartition>of().iterator();
      }
      PartitionTask.Placement place = task.placement();
      int[] slots = place.slots();
      PartitionEncoder encoder = new PartitionEncoder(wire, partition, place.rows());
      RowChecksum sum = new RowChecksum(schema);
      while (rows.hasNext()) {
        InternalRow row = rows.next();
        long i = sum.rows();
        sum.add(row);
        if (i < slots.length && slots[(int) i] >= 0) {
          encoder.put(row, i, slots[(int) i]);
        }
      }
      boolean same = sum.rows() == task.expectedCount()
          && (!task.checksumKnown() || sum.value() == task.expectedChecksum());
      if (!same) {
        return List.of(new EncodedPartition(partition, sum.rows(), sum.value(), null, null, null)).iterator();
      }
      IpcRecordBatch batch = encoder.finish();
      if (target != null) {
        Receipt receipt = UploadClient.upload(target, partition, TaskContext.get().taskAttemptId(), sum.rows(),
            sum.value(), place.positions(), batch);
        if (receipt != null) {
          return List.of(new EncodedPartition(partition, sum.rows(), sum.value(), null, null, receipt)).iterator();
        }
      }
      return List.of(EncodedPartition.of(partition, sum.rows(), sum.value(), place.positions(), batch)).iterator();
    };
  }
}
