package io.s3dlio.tfrecord.spark.source;

import io.s3dlio.tfrecord.spark.TfRecordOptions;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.PartitionedFile;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import org.apache.spark.util.TaskCompletionListener;
import scala.collection.AbstractIterator;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * The V1 read of one split ({@code FileFormat.buildReader}: catalog tables, {@code CREATE TABLE
 * ... USING tfrecord}): the same split reader as the V2 scan, as an iterator of the data
 * columns (Spark appends the partition values). Closed when exhausted or when the task ends.
 */
public final class V1ReadFunction extends AbstractFunction1<PartitionedFile, Iterator<InternalRow>>
    implements Serializable {
  private static final long serialVersionUID = 1L;

  private final TfRecordOptions options;
  private final Broadcast<SerializableConfiguration> hadoop;
  private final StructType requiredSchema;

  public V1ReadFunction(TfRecordOptions options, Broadcast<SerializableConfiguration> hadoop,
      StructType requiredSchema) {
    this.options = options;
    this.hadoop = hadoop;
    this.requiredSchema = requiredSchema;
  }

  @Override
  public Iterator<InternalRow> apply(PartitionedFile file) {
    TfRecordFileReader reader;
    try {
      reader = new TfRecordFileReader(hadoop.value().value(), file, options, requiredSchema, new StructType(),
          new TfRecordMetrics.Totals());
    } catch (IOException e) {
      // As it is: FileScanRDD tells a missing file (ignoreMissingFiles) by its type.
      throw TfRecordPartitionReaderFactory.<RuntimeException>rethrow(e);
    }
    RowIterator it = new RowIterator(reader);
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) context -> it.close());
    }
    return it;
  }

  private static final class RowIterator extends AbstractIterator<InternalRow> {
    private final TfRecordFileReader reader;
    private boolean fetched;
    private boolean has;

    RowIterator(TfRecordFileReader reader) {
      this.reader = reader;
    }

    @Override
    public boolean hasNext() {
      if (!fetched) {
        try {
          has = reader.next();
        } catch (IOException e) {
          throw TfRecordPartitionReaderFactory.<RuntimeException>rethrow(e);
        }
        fetched = true;
        if (!has) {
          close();
        }
      }
      return has;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      fetched = false;
      return reader.get();
    }

    void close() {
      try {
        reader.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
    }
  }
}
