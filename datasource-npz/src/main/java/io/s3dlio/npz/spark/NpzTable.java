package io.s3dlio.npz.spark;

import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** A directory (or list) of .npz/.npy files as a readable table. */
final class NpzTable implements SupportsRead {
  private final String format;
  private final StructType schema;
  private final CaseInsensitiveStringMap options;

  NpzTable(String format, StructType schema, CaseInsensitiveStringMap options) {
    this.format = format;
    this.schema = schema;
    this.options = options;
  }

  @Override
  public String name() {
    return format + " " + ReadConf.paths(options);
  }

  @Override
  public StructType schema() {
    return schema;
  }

  @Override
  public Set<TableCapability> capabilities() {
    return Set.of(TableCapability.BATCH_READ);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap scanOptions) {
    return new NpzScanBuilder(new ReadConf(format, scanOptions), schema);
  }
}
