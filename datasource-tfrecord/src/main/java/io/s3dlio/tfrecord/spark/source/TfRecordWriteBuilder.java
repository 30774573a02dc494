package io.s3dlio.tfrecord.spark.source;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.connector.write.SupportsTruncate;
import org.apache.spark.sql.connector.write.V1Write;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.sources.InsertableRelation;

/** INSERT INTO (append) and INSERT OVERWRITE (truncate) of a TFRecord table. */
final class TfRecordWriteBuilder implements WriteBuilder, SupportsTruncate {
  private final String path;
  private final Map<String, String> options;
  private final List<String> partitionColumns;
  private boolean truncate;

  TfRecordWriteBuilder(String path, Map<String, String> options, List<String> partitionColumns) {
    this.path = path;
    this.options = options;
    this.partitionColumns = partitionColumns;
  }

  @Override
  public WriteBuilder truncate() {
    this.truncate = true;
    return this;
  }

  @Override
  public Write build() {
    boolean overwrite = truncate;
    return new V1Write() {
      @Override
      public InsertableRelation toInsertableRelation() {
        return (data, ow) -> TfRecordWriteJob.write(data, path, overwrite || ow ? SaveMode.Overwrite : SaveMode.Append,
            options, partitionColumns);
      }

      @Override
      public String description() {
        return "TFRecordWrite " + path;
      }
    };
  }
}
