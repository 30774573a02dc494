package io.s3dlio.bridge.arrow;

import io.s3dlio.bridge.arrow.WireColumn.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/** The columns of a feed as they travel, derived from the DataFrame's schema and tensor declarations. */
public final class WireSchema implements Serializable {
  /** What {@link #of} accepts, for messages. */
  public static final String SUPPORTED = "boolean, tinyint, smallint, int, bigint, float, double, date, timestamp, "
      + "timestamp_ntz, string, binary, and binary or array<numeric> columns declared as tensors";

  private final List<WireColumn> columns;

  private WireSchema(List<WireColumn> columns) {
    this.columns = Collections.unmodifiableList(columns);
  }

  public static WireSchema of(StructType schema, Map<String, TensorSpec> tensors) {
    Map<String, TensorSpec> left = new HashMap<>(tensors);
    List<WireColumn> out = new ArrayList<>();
    StructField[] fields = schema.fields();
    for (int i = 0; i < fields.length; i++) {
      StructField f = fields[i];
      TensorSpec t = left.remove(f.name());
      out.add(t != null ? tensorColumn(f, i, t) : plainColumn(f, i));
    }
    if (!left.isEmpty()) {
      throw new IllegalArgumentException("Cannot declare tensors " + left.keySet()
          + ": no such columns in the DataFrame (columns: " + String.join(", ", schema.fieldNames()) + ")");
    }
    return new WireSchema(out);
  }

  private static WireColumn plainColumn(StructField f, int i) {
    DataType t = f.dataType();
    boolean n = f.nullable();
    String name = f.name();
    if (t instanceof BooleanType) {
      return new WireColumn(name, i, Kind.BOOL, null, n, null, false);
    }
    ElementType e = numeric(t);
    if (e != null) {
      return new WireColumn(name, i, Kind.NUMBER, e, n, null, false);
    }
    if (t instanceof DateType) {
      return new WireColumn(name, i, Kind.DATE, null, n, null, false);
    }
    if (t instanceof TimestampType) {
      return new WireColumn(name, i, Kind.TIMESTAMP, null, n, null, false);
    }
    if (t instanceof TimestampNTZType) {
      return new WireColumn(name, i, Kind.TIMESTAMP_NTZ, null, n, null, false);
    }
    if (t instanceof StringType) {
      return new WireColumn(name, i, Kind.UTF8, null, n, null, false);
    }
    if (t instanceof BinaryType) {
      return new WireColumn(name, i, Kind.BINARY, null, n, null, false);
    }
    String hint = t instanceof ArrayType ? "; declare it a tensor (option tensor." + name + " = d1,d2,...)" : "";
    throw new IllegalArgumentException("Cannot stream column '" + name + "' of type " + t.simpleString()
        + ": supported are " + SUPPORTED + hint);
  }

  private static WireColumn tensorColumn(StructField f, int i, TensorSpec t) {
    DataType dt = f.dataType();
    if (dt instanceof BinaryType) {
      ElementType e = t.dtype() == null ? ElementType.UINT8 : t.dtype();
      return new WireColumn(f.name(), i, Kind.TENSOR, e, false, t, true);
    }
    if (dt instanceof ArrayType a) {
      ElementType e = numeric(a.elementType());
      if (e == null) {
        throw new IllegalArgumentException("Cannot stream column '" + f.name() + "' as a tensor: its elements are "
            + a.elementType().simpleString() + ", not tinyint, smallint, int, bigint, float or double");
      }
      if (t.dtype() != null && t.dtype() != e) {
        throw new IllegalArgumentException("Cannot stream column '" + f.name() + "' as a " + t.dtype().wireName()
            + " tensor: its elements are " + a.elementType().simpleString() + " (" + e.wireName() + ")");
      }
      return new WireColumn(f.name(), i, Kind.TENSOR, e, false, t, false);
    }
    throw new IllegalArgumentException("Cannot stream column '" + f.name() + "' of type " + dt.simpleString()
        + " as a tensor: tensors come from binary or array<numeric> columns");
  }

  private static ElementType numeric(DataType t) {
    if (t instanceof ByteType) {
      return ElementType.INT8;
    }
    if (t instanceof ShortType) {
      return ElementType.INT16;
    }
    if (t instanceof IntegerType) {
      return ElementType.INT32;
    }
    if (t instanceof LongType) {
      return ElementType.INT64;
    }
    if (t instanceof FloatType) {
      return ElementType.FLOAT32;
    }
    if (t instanceof DoubleType) {
      return ElementType.FLOAT64;
    }
    return null;
  }

  public List<WireColumn> columns() {
    return columns;
  }

  public int nodes() {
    return columns.stream().mapToInt(WireColumn::nodes).sum();
  }

  public int buffers() {
    return columns.stream().mapToInt(WireColumn::buffers).sum();
  }

  public Schema arrowSchema() {
    List<Field> fields = new ArrayList<>();
    for (WireColumn c : columns) {
      fields.add(c.arrowField());
    }
    return new Schema(fields);
  }

  /** The schema as an encapsulated Arrow IPC message (written by Arrow Java). */
  public byte[] schemaMessage() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      MessageSerializer.serialize(new WriteChannel(Channels.newChannel(out)), arrowSchema());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (WireColumn c : columns) {
      sb.append(sb.length() == 0 ? "" : ", ").append(c.describe());
    }
    return sb.toString();
  }
}
