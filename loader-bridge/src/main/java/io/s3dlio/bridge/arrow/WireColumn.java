package io.s3dlio.bridge.arrow;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * One column as it travels: its Arrow type and buffer layout, and where it comes from in the Spark
 * row. Plain values, shipped to the executors.
 *
 * @param name column name
 * @param ordinal index in the Spark row
 * @param kind layout family
 * @param element value type of {@code NUMBER} columns and tensor elements
 * @param nullable whether the Spark column may hold nulls (tensors may not)
 * @param tensor the declared tensor, or null
 * @param fromBinary a tensor read from a {@code binary} column (else from {@code array<...>})
 */
public record WireColumn(String name, int ordinal, Kind kind, ElementType element, boolean nullable,
    TensorSpec tensor, boolean fromBinary) implements Serializable {

  /** Layout families. */
  public enum Kind {
    BOOL, NUMBER, DATE, TIMESTAMP, TIMESTAMP_NTZ, UTF8, BINARY, TENSOR
  }

  public static final String EXTENSION_NAME_KEY = "ARROW:extension:name";
  public static final String EXTENSION_METADATA_KEY = "ARROW:extension:metadata";
  public static final String FIXED_SHAPE_TENSOR = "arrow.fixed_shape_tensor";

  /** Arrow field nodes of this column (pre-order: the list, then its child). */
  public int nodes() {
    return kind == Kind.TENSOR ? 2 : 1;
  }

  /** Arrow buffers of this column, in IPC order. */
  public int buffers() {
    return switch (kind) {
      case UTF8, BINARY, TENSOR -> 3;
      default -> 2;
    };
  }

  /** Bytes per row of a fixed-width column (0 for bool and variable-width ones). */
  public int width() {
    return switch (kind) {
      case NUMBER -> element.width();
      case DATE -> 4;
      case TIMESTAMP, TIMESTAMP_NTZ -> 8;
      case TENSOR -> (int) (tensor.elements() * element.width());
      default -> 0;
    };
  }

  /** The Arrow field, with the canonical extension metadata for tensors. */
  public Field arrowField() {
    return switch (kind) {
      case BOOL -> leaf(new ArrowType.Bool());
      case NUMBER -> leaf(element.arrowType());
      case DATE -> leaf(new ArrowType.Date(DateUnit.DAY));
      case TIMESTAMP -> leaf(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));
      case TIMESTAMP_NTZ -> leaf(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null));
      case UTF8 -> leaf(new ArrowType.Utf8());
      case BINARY -> leaf(new ArrowType.Binary());
      case TENSOR -> new Field(name,
          new FieldType(false, new ArrowType.FixedSizeList((int) tensor.elements()), null,
              Map.of(EXTENSION_NAME_KEY, FIXED_SHAPE_TENSOR, EXTENSION_METADATA_KEY, tensor.extensionMetadata())),
          List.of(new Field("item", new FieldType(false, element.arrowType(), null), null)));
    };
  }

  private Field leaf(ArrowType type) {
    return new Field(name, new FieldType(nullable, type, null), null);
  }

  /** How the column reads in messages: {@code image: arrow.fixed_shape_tensor<uint8>[4096]}. */
  public String describe() {
    return name + ": " + switch (kind) {
      case NUMBER -> element.wireName();
      case TENSOR -> "arrow.fixed_shape_tensor<" + element.wireName() + ">" + tensor;
      default -> kind.name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
