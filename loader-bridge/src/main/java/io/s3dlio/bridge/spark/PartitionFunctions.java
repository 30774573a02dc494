package io.s3dlio.bridge.spark;

import io.s3dlio.bridge.arrow.BufferPool;
import io.s3dlio.bridge.arrow.IpcRecordBatch;
import io.s3dlio.bridge.arrow.PartitionEncoder;
import io.s3dlio.bridge.arrow.WireSchema;
import io.s3dlio.bridge.plan.PartitionTask;
import io.s3dlio.bridge.upload.Receipt;
import io.s3dlio.bridge.upload.UploadClient;
import io.s3dlio.bridge.upload.UploadInbox;
import io.s3dlio.bridge.upload.UploadTarget;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction2;

/**
 * The code that runs inside executor tasks, as the result functions of Spark jobs over the
 * DataFrame's {@code RDD[InternalRow]}. Named classes holding plain serialisable values, not
 * lambdas: Spark's {@code ClosureCleaner} inspects a lambda's bytecode (ASM, reading class files
 * from jars) every time a job is submitted, and the feed submits one job per block.
 */
final class PartitionFunctions {
  private PartitionFunctions() {
  }

  /** Counts and checksums a partition: {@code [partition, count, checksum]}. */
  static final class Stats extends AbstractFunction2<TaskContext, Iterator<InternalRow>, long[]>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final StructType schema;

    Stats(StructType schema) {
      this.schema = schema;
    }

    @Override
    public long[] apply(TaskContext context, Iterator<InternalRow> rows) {
      RowChecksum sum = new RowChecksum(schema);
      while (rows.hasNext()) {
        sum.add(rows.next());
      }
      return new long[] {context.partitionId(), sum.rows(), sum.value()};
    }
  }

  /** Counts a partition's rows: {@code [partition, count, 0]}. */
  static final class Counts extends AbstractFunction2<TaskContext, Iterator<InternalRow>, long[]>
      implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public long[] apply(TaskContext context, Iterator<InternalRow> rows) {
      long n = 0;
      while (rows.hasNext()) {
        rows.next();
        n++;
      }
      return new long[] {context.partitionId(), n, 0};
    }
  }

  /**
   * Encodes the partitions named in {@code tasks}: each row goes to its slot of the unit's output;
   * count and checksum cover every row. A partition whose count differs from the expected one, or
   * whose checksum differs from a known one, is returned without data. Otherwise the data is
   * uploaded to {@code target} and the result is the receipt, or (no target, or the driver's upload
   * port cannot be reached) the result holds the data.
   */
  static final class Encode extends AbstractFunction2<TaskContext, Iterator<InternalRow>, EncodedPartition>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final StructType schema;
    private final WireSchema wire;
    private final Map<Integer, PartitionTask> tasks;
    private final UploadTarget target;

    Encode(StructType schema, WireSchema wire, Map<Integer, PartitionTask> tasks, UploadTarget target) {
      this.schema = schema;
      this.wire = wire;
      this.tasks = tasks;
      this.target = target;
    }

    @Override
    public EncodedPartition apply(TaskContext context, Iterator<InternalRow> rows) {
      int partition = context.partitionId();
      PartitionTask task = tasks.get(partition);
      if (task == null) {
        throw new IllegalStateException("no task for partition " + partition + " in this job");
      }
      PartitionTask.Placement place = task.placement();
      int[] slots = place.slots();
      UploadInbox local = target == null || target.tcpOnly() ? null : UploadInbox.inThisJvm(target.feedId());
      PartitionEncoder encoder = new PartitionEncoder(wire, partition, place.rows(),
          local == null ? BufferPool.NONE : local.buffers());
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
        return new EncodedPartition(partition, sum.rows(), sum.value(), null, null, null);
      }
      IpcRecordBatch batch = encoder.finish();
      if (target != null) {
        Receipt receipt;
        try {
          receipt = UploadClient.upload(target, partition, context.taskAttemptId(), sum.rows(), sum.value(),
              place.positions(), batch);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while uploading partition " + partition, e);
        }
        if (receipt != null) {
          return new EncodedPartition(partition, sum.rows(), sum.value(), null, null, receipt);
        }
      }
      return EncodedPartition.of(partition, sum.rows(), sum.value(), place.positions(), batch);
    }
  }
}
