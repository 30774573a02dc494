package io.s3dlio.npz.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.execution.vectorized.ColumnVectorUtils;
import org.apache.spark.sql.execution.vectorized.ConstantColumnVector;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Sample layout, vectorized: the rows of one read ({@link SampleLayoutReader}: one byte range of
 * one file) as column batches of at most {@link #BATCH_ROWS} rows, each column a window onto the
 * decoded array ({@link SampleVectors}, no copy), then the file's partition values as constant
 * columns. One batch object is reused for the whole read, as Spark's Parquet reader does.
 */
final class SampleBatchReader implements PartitionReader<ColumnarBatch> {
  /** Rows per batch: Spark's default for its Parquet and ORC readers ({@code columnarReaderBatchSize}). */
  static final int BATCH_ROWS = 4096;

  private final SampleLayoutReader rows;
  private final SampleVectors.Window[] windows;
  private final ColumnarBatch batch;
  private long pos;

  private SampleBatchReader(SampleLayoutReader rows, SampleVectors.Window[] windows, ColumnarBatch batch) {
    this.rows = rows;
    this.windows = windows;
    this.batch = batch;
  }

  /**
   * The batches of {@code rows}' read of {@code columns} data columns, followed by the partition
   * columns of {@code partitionSchema} with {@code partitionValues}.
   */
  static SampleBatchReader of(SampleLayoutReader rows, int columns, StructType partitionSchema,
      InternalRow partitionValues) {
    int batchRows = (int) Math.min(BATCH_ROWS, Math.max(rows.rows(), 1));
    ColumnVector[] vectors = new ColumnVector[columns + partitionSchema.size()];
    List<SampleVectors.Window> windows = new ArrayList<>();
    for (int i = 0; i < columns && rows.rows() > 0; i++) {
      vectors[i] = rows.vector(i, batchRows);
      if (vectors[i] instanceof SampleVectors.Window w) {
        windows.add(w);
      }
    }
    for (int p = 0; p < partitionSchema.size(); p++) {
      ConstantColumnVector v = new ConstantColumnVector(batchRows, partitionSchema.fields()[p].dataType());
      ColumnVectorUtils.populate(v, partitionValues, p);
      vectors[columns + p] = v;
    }
    return new SampleBatchReader(rows, windows.toArray(new SampleVectors.Window[0]), new ColumnarBatch(vectors));
  }

  @Override
  public boolean next() {
    long left = rows.rows() - pos;
    if (left <= 0) {
      return false;
    }
    int n = (int) Math.min(BATCH_ROWS, left);
    for (SampleVectors.Window w : windows) {
      w.moveTo(pos);
    }
    batch.setNumRows(n);
    pos += n;
    return true;
  }

  @Override
  public ColumnarBatch get() {
    return batch;
  }

  @Override
  public void close() {
    rows.close();
  }
}
