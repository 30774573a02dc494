package io.s3dlio.npz.spark;

import java.io.Serializable;
import org.apache.spark.sql.types.DataType;

/**
 * What one output column holds.
 *
 * @param kind path, index, values, shape or dtype
 * @param array the array the column comes from (null for path and index)
 * @param element Spark type of one element of the array (values columns)
 * @param perSample sample layout: true when each row holds an array (rank > 1), false for a scalar
 */
record ColumnSpec(Kind kind, String array, DataType element, boolean perSample) implements Serializable {
  enum Kind {
    PATH, INDEX, VALUES, SHAPE, DTYPE
  }
}
