package io.s3dlio.npz.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What the writers of one job write, checked on the driver before any task runs.
 *
 * <p>File layout: one file per row; each value column becomes an array (reshaped by its
 * {@code <a>_shape} column when there is one; a scalar column becomes a 0-d array); the
 * {@code path} and {@code <a>_dtype} columns are not written. Sample layout: the rows of a file are
 * stacked along axis 0; the {@code path} and {@code index} columns are not written.
 *
 * @param schema the data schema (partition columns excluded)
 * @param values ordinals of the columns written as arrays
 * @param shapes file layout: ordinal of a values column → ordinal of its shape column
 */
record NpzWriteSpec(String format, Layout layout, boolean deflate, StructType schema, List<Integer> values,
    Map<Integer, Integer> shapes) implements Serializable {

  /**
   * @throws IllegalArgumentException naming the column when the schema cannot be written
   */
  static NpzWriteSpec of(NpzOptions options, StructType schema) {
    Layout layout = options.layout();
    Set<String> names = new HashSet<>(List.of(schema.fieldNames()));
    List<Integer> values = new ArrayList<>();
    Map<Integer, Integer> shapes = new LinkedHashMap<>();
    for (int i = 0; i < schema.fields().length; i++) {
      StructField f = schema.fields()[i];
      String n = f.name();
      if (n.equals(NpzOptions.PATH_COLUMN) && f.dataType().equals(DataTypes.StringType)
          || layout == Layout.SAMPLE && n.equals(NpzOptions.INDEX_COLUMN)
          || layout == Layout.FILE && isCompanion(n, NpzOptions.DTYPE_SUFFIX, names)
          || layout == Layout.FILE && isCompanion(n, NpzOptions.SHAPE_SUFFIX, names)) {
        continue;
      }
      DataType t = f.dataType();
      DataType elem = t instanceof ArrayType a ? a.elementType() : t;
      if (elem instanceof ArrayType) {
        throw new IllegalArgumentException("Cannot write column '" + n + "' of type " + t.simpleString()
            + ": nested arrays are not supported (flatten it and give its shape in a '" + n
            + NpzOptions.SHAPE_SUFFIX + "' column)");
      }
      new ColumnBuffer(n, elem); // checks the element type
      values.add(i);
      int shape = schema.getFieldIndex(n + NpzOptions.SHAPE_SUFFIX).getOrElse(() -> -1);
      if (layout == Layout.FILE && shape >= 0) {
        DataType st = schema.fields()[shape].dataType();
        if (!(st instanceof ArrayType sa) || !(sa.elementType().equals(DataTypes.LongType)
            || sa.elementType().equals(DataTypes.IntegerType))) {
          throw new IllegalArgumentException("Cannot write column '" + n + NpzOptions.SHAPE_SUFFIX + "' of type "
              + st.simpleString() + " as the shape of '" + n + "': expected array<bigint> or array<int>");
        }
        shapes.put(i, shape);
      }
    }
    if (values.isEmpty()) {
      throw new IllegalArgumentException("Cannot write " + options.format() + ": no array columns in "
          + schema.simpleString());
    }
    if (options.format().equals("npy") && values.size() != 1) {
      throw new IllegalArgumentException("Cannot write .npy: one array column is needed, found "
          + values.stream().map(i -> schema.fields()[i].name()).toList());
    }
    return new NpzWriteSpec(options.format(), layout, options.deflate(), schema, List.copyOf(values),
        Map.copyOf(shapes));
  }

  private static boolean isCompanion(String name, String suffix, Set<String> names) {
    return name.endsWith(suffix) && names.contains(name.substring(0, name.length() - suffix.length()));
  }
}
