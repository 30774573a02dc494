package io.s3dlio.bridge.arrow;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A declared fixed-shape tensor column: {@code [dtype:]d1,d2,...}. The dtype is null when it comes
 * from the column (array element type; uint8 for binary).
 */
public record TensorSpec(String column, ElementType dtype, int[] shape) implements Serializable {

  public static TensorSpec parse(String column, String spec) {
    String s = spec.trim();
    ElementType dtype = null;
    int colon = s.indexOf(':');
    try {
      if (colon >= 0) {
        dtype = ElementType.parse(s.substring(0, colon));
        s = s.substring(colon + 1);
      }
      String[] parts = s.replace("[", "").replace("]", "").replace("(", "").replace(")", "").split(",");
      int[] shape = new int[parts.length];
      for (int i = 0; i < parts.length; i++) {
        shape[i] = Integer.parseInt(parts[i].trim());
        if (shape[i] < 1) {
          throw new IllegalArgumentException("dimension " + shape[i] + " is not positive");
        }
      }
      return new TensorSpec(column, dtype, shape);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Cannot declare column '" + column + "' a tensor from '" + spec
          + "' (expected [dtype:]d1,d2,...): " + e.getMessage(), e);
    }
  }

  public long elements() {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /** The canonical extension metadata: {@code {"shape":[d1,d2,...]}}. */
  public String extensionMetadata() {
    StringBuilder sb = new StringBuilder("{\"shape\":[");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ",").append(shape[i]);
    }
    return sb.append("]}").toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec t && t.column.equals(column) && t.dtype == dtype && Arrays.equals(t.shape, shape);
  }

  @Override
  public int hashCode() {
    return column.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return (dtype == null ? "" : dtype.wireName() + ":") + Arrays.toString(shape);
  }
}
