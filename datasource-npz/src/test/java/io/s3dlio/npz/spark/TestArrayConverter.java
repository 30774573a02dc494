package io.s3dlio.npz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.npz.format.NpyArray;
import io.s3dlio.npz.format.NpyDtype;
import java.util.Random;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeArrayWriter;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ArrayConverter#toArray}: a row's slice of a decoded array, as an array value, holds the
 * same elements as {@link ArrayConverter#element} gives one by one (the single-copy path of
 * same-size types and the converting paths of the others alike), at the start, inside and at the
 * end of the array; and the same holds for the slices and elements written straight into Spark's
 * row format ({@link ArrayConverter#writeSlice}, {@link ArrayConverter#writeElement}), read back
 * through Spark's own {@link UnsafeRow} accessors.
 */
class TestArrayConverter {
  @ParameterizedTest
  @CsvSource({"i,1", "i,2", "i,4", "i,8", "f,4", "f,8", "u,1", "u,2", "u,4", "f,2", "b,1"})
  void sliceEqualsElements(char kind, int size) {
    NpyDtype dt = NpyDtype.of(kind, size);
    int rows = 7;
    int perRow = 5;
    NpyArray a = random(dt, rows, perRow);
    DataType type = ArrayConverter.sparkType(dt);
    for (int row = 0; row < rows; row++) {
      int from = row * perRow;
      ArrayData v = ArrayConverter.toArray(a, from, perRow);
      assertThat(v.numElements()).isEqualTo(perRow);
      for (int i = 0; i < perRow; i++) {
        assertThat(v.get(i, type)).as("%s%d row %d element %d", kind, size, row, i)
            .isEqualTo(ArrayConverter.element(a, from + i));
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"i,1", "i,2", "i,4", "i,8", "f,4", "f,8", "u,1", "u,2", "u,4", "f,2", "b,1"})
  void writtenRowsHoldTheElements(char kind, int size) {
    NpyDtype dt = NpyDtype.of(kind, size);
    NpyArray a = random(dt, 7, 5);
    DataType type = ArrayConverter.sparkType(dt);
    boolean slices = ArrayConverter.copiesSlices(dt);
    assertThat(slices).isEqualTo(kind == 'i' || kind == 'f' && size != 2);
    assertThat(ArrayConverter.writesElements(dt)).isTrue();
    // one writer reused for every row, as the sample layout's reader does; the slice (3 elements,
    // so that the value needs padding for some sizes) between two scalar fields
    UnsafeRowWriter w = new UnsafeRowWriter(3, 8);
    UnsafeArrayWriter aw = new UnsafeArrayWriter(w, size);
    for (int row = 0; row < 7; row++) {
      int from = row * 5 + 1;
      w.reset();
      w.zeroOutNullBytes();
      ArrayConverter.writeElement(w, 0, a, from);
      if (slices) {
        ArrayConverter.writeSlice(w, aw, 1, a, from, 3);
      } else {
        w.setNullAt(1);
      }
      ArrayConverter.writeElement(w, 2, a, from + 2);
      UnsafeRow r = w.getRow().copy();
      assertThat(r.get(0, type)).as("%s%d row %d first", kind, size, row).isEqualTo(ArrayConverter.element(a, from));
      assertThat(r.get(2, type)).as("%s%d row %d last", kind, size, row)
          .isEqualTo(ArrayConverter.element(a, from + 2));
      if (slices) {
        ArrayData v = r.getArray(1);
        assertThat(v.numElements()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
          assertThat(v.get(i, type)).as("%s%d row %d element %d", kind, size, row, i)
              .isEqualTo(ArrayConverter.element(a, from + i));
        }
        assertThat(v.copy()).as("the same array value as the generic path's")
            .isEqualTo(ArrayConverter.toArray(a, from, 3));
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"u,8", "c,8", "c,16", "S,4", "U,8"})
  void variableSizeElementsAreNotWrittenStraight(char kind, int size) {
    NpyDtype dt = NpyDtype.of(kind, size);
    assertThat(ArrayConverter.writesElements(dt)).isFalse();
    assertThat(ArrayConverter.copiesSlices(dt)).isFalse();
  }

  private static NpyArray random(NpyDtype dt, int rows, int perRow) {
    byte[] data = new byte[rows * perRow * dt.itemSize()];
    new Random(dt.kind() * 31L + dt.itemSize()).nextBytes(data);
    if (dt.kind() == 'b') {
      for (int i = 0; i < data.length; i++) {
        data[i] &= 1;
      }
    }
    return new NpyArray(dt, new long[] {rows, perRow}, data);
  }
}
