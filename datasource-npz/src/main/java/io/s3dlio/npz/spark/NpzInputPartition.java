package io.s3dlio.npz.spark;

import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/** The slices one task reads, in order. */
record NpzInputPartition(List<Slice> slices) implements InputPartition {
}
