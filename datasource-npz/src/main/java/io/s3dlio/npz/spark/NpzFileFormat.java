package io.s3dlio.npz.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.mapreduce.Job;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.FileFormat;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.execution.datasources.PartitionedFile;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import scala.Function1;
import scala.Option;
import scala.collection.AbstractIterator;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;

/**
 * The V1 {@link FileFormat} of {@code npz} (the fallback of {@link NpzDataSourceV2}, as
 * {@code AvroFileFormat} is Avro's). Every {@code df.write.format("npz")} comes here: Spark plans it
 * as {@code InsertIntoHadoopFsRelationCommand}, which handles the save modes, {@code partitionBy},
 * dynamic partition overwrite and the commit protocol, and asks this class only for the writer
 * factory. Reads come here for catalog tables ({@code CREATE TABLE ... USING npz}) and when
 * {@code spark.sql.sources.useV1SourceList} names the format; files are not split there.
 */
public class NpzFileFormat implements FileFormat, DataSourceRegister, Serializable {
  private static final long serialVersionUID = 1L;

  /** "npz" or "npy": the format and the file extension. */
  protected String format() {
    return "npz";
  }

  @Override
  public String shortName() {
    return format();
  }

  @Override
  public String toString() {
    return format().toUpperCase(Locale.ROOT);
  }

  @Override
  public boolean equals(Object o) {
    return o != null && o.getClass() == getClass();
  }

  @Override
  public int hashCode() {
    return getClass().hashCode();
  }

  private NpzOptions parse(scala.collection.immutable.Map<String, String> options) {
    return NpzOptions.parse(format(), Scala.javaMap(options));
  }

  @Override
  public Option<StructType> inferSchema(SparkSession session, scala.collection.immutable.Map<String, String> options,
      Seq<FileStatus> files) {
    NpzOptions parsed = parse(options);
    List<FileStatus> read = parsed.read(Scala.list(files));
    return Option.apply(NpzSchemas.infer(parsed, read,
        session.sessionState().newHadoopConfWithOptions(options)).orElse(null));
  }

  @Override
  public OutputWriterFactory prepareWrite(SparkSession session, Job job,
      scala.collection.immutable.Map<String, String> options, StructType dataSchema) {
    return writerFactory(session, format(), Scala.javaMap(options), dataSchema);
  }

  /** The writer factory of a job (V1 and V2 writes): options and schema checked here, on the driver. */
  static OutputWriterFactory writerFactory(SparkSession session, String format, Map<String, String> options,
      StructType dataSchema) {
    NpzWriteSpec spec = NpzWriteSpec.of(NpzOptions.parse(format, options), dataSchema);
    return new NpzOutputWriterFactory(spec, new WriteMetrics(session.sparkContext()));
  }

  @Override
  public boolean supportDataType(DataType type) {
    return NpzSchemas.supported(type);
  }

  @Override
  public boolean isSplitable(SparkSession session, scala.collection.immutable.Map<String, String> options,
      org.apache.hadoop.fs.Path path) {
    return false;
  }

  @Override
  public Function1<PartitionedFile, Iterator<InternalRow>> buildReader(SparkSession session, StructType dataSchema,
      StructType partitionSchema, StructType requiredSchema, Seq<Filter> filters,
      scala.collection.immutable.Map<String, String> options, Configuration hadoopConf) {
    NpzOptions parsed = parse(options);
    ReadSpec spec = NpzSchemas.readSpec(parsed, dataSchema, requiredSchema);
    Broadcast<SerializableConfiguration> conf = ConfBroadcasts.of(session.sparkContext(), hadoopConf);
    return (Function1<PartitionedFile, Iterator<InternalRow>> & Serializable) file -> {
      if (!parsed.reads(file.toPath().getName())) {
        return scala.collection.Iterator$.MODULE$.empty();
      }
      try {
        return new Rows(NpzFileReader.open(file.toPath(), file.start(), file.length(), file.fileSize(), spec,
            new ReadFileSystems(conf.value().value()), new ReadCounters(), false, false));
      } catch (IOException e) {
        throw Sneaky.<RuntimeException>rethrow(e);
      }
    };
  }

  /** A file's rows as the iterator V1 readers return; closed at the end or when the task ends. */
  private static final class Rows extends AbstractIterator<InternalRow> {
    private final NpzFileReader<InternalRow> reader;
    private boolean ready;
    private boolean done;

    Rows(NpzFileReader<InternalRow> reader) {
      this.reader = reader;
      TaskContext task = TaskContext.get();
      if (task != null) {
        task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) t -> close());
      }
    }

    @Override
    public boolean hasNext() {
      if (!ready && !done) {
        try {
          ready = reader.next();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        if (!ready) {
          close();
        }
      }
      return ready;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException("no more rows");
      }
      ready = false;
      return reader.get();
    }

    private void close() {
      if (!done) {
        done = true;
        try {
          reader.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
