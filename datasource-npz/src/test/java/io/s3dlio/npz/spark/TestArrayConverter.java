package io.s3dlio.npz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.npz.format.NpyArray;
import io.s3dlio.npz.format.NpyDtype;
import java.util.Random;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ArrayConverter#toArray}: a row's slice of a decoded array, as an array value, holds the
 * same elements as {@link ArrayConverter#element} gives one by one (the single-copy path of
 * same-size types and the converting paths of the others alike), at the start, inside and at the
 * end of the array.
 */
class TestArrayConverter {
  @ParameterizedTest
  @CsvSource({"i,1", "i,2", "i,4", "i,8", "f,4", "f,8", "u,1", "u,2", "u,4", "f,2", "b,1"})
  void sliceEqualsElements(char kind, int size) {
    NpyDtype dt = NpyDtype.of(kind, size);
    int rows = 7;
    int perRow = 5;
    byte[] data = new byte[rows * perRow * size];
    new Random(kind * 31L + size).nextBytes(data);
    if (kind == 'b') {
      for (int i = 0; i < data.length; i++) {
        data[i] &= 1;
      }
    }
    NpyArray a = new NpyArray(dt, new long[] {rows, perRow}, data);
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
}
