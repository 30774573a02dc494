package io.s3dlio.bridge.arrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** The executor's encoding and the driver's assembly, read back by Arrow Java's own reader. */
class TestArrowEncoding {
  static final StructType SCHEMA = new StructType()
      .add("b", DataTypes.BooleanType, true)
      .add("i8", DataTypes.ByteType, false)
      .add("i16", DataTypes.ShortType, false)
      .add("i32", DataTypes.IntegerType, true)
      .add("i64", DataTypes.LongType, false)
      .add("f32", DataTypes.FloatType, false)
      .add("f64", DataTypes.DoubleType, true)
      .add("d", DataTypes.DateType, false)
      .add("ts", DataTypes.TimestampType, false)
      .add("ntz", DataTypes.TimestampNTZType, false)
      .add("s", DataTypes.StringType, true)
      .add("bin", DataTypes.BinaryType, false)
      .add("t", DataTypes.createArrayType(DataTypes.FloatType, false), false)
      .add("img", DataTypes.BinaryType, false);

  static final WireSchema WIRE = WireSchema.of(SCHEMA,
      Map.of("t", TensorSpec.parse("t", "2,3"), "img", TensorSpec.parse("img", "2,2")));

  /** Natural row i of partition p: values derived from v = p * 100 + i; every 3rd row has nulls. */
  static InternalRow row(int p, int i, boolean unsafe) {
    int v = p * 100 + i;
    boolean nulls = i % 3 == 1;
    float[] t = new float[6];
    for (int k = 0; k < 6; k++) {
      t[k] = v + k / 10f;
    }
    Object[] values = {
        nulls ? null : v % 2 == 0, (byte) v, (short) -v, nulls ? null : v * 3, (long) v << 33, v / 4f,
        nulls ? null : v / 8.0, v, (long) v * 1_000_000, (long) v * 7, nulls ? null : UTF8String.fromString("é" + v),
        ("bin" + v).getBytes(StandardCharsets.UTF_8), new GenericArrayData(boxed(t)),
        new byte[] {(byte) v, (byte) (v + 1), (byte) (v + 2), (byte) (v + 3)}};
    GenericInternalRow g = new GenericInternalRow(values);
    return unsafe ? UnsafeProjection.create(SCHEMA).apply(g).copy() : g;
  }

  private static Object[] boxed(float[] f) {
    Object[] o = new Object[f.length];
    for (int i = 0; i < f.length; i++) {
      o[i] = f[i];
    }
    return o;
  }

  /** Encodes n rows of partition p, natural row i at slot (n - 1 - i). */
  static IpcRecordBatch encodeReversed(int p, int n, boolean unsafe) {
    PartitionEncoder e = new PartitionEncoder(WIRE, p, n);
    for (int i = 0; i < n; i++) {
      e.put(row(p, i, unsafe), i, n - 1 - i);
    }
    return e.finish();
  }

  static byte[] stream(List<ByteBuffer> message) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(WIRE.schemaMessage());
    for (ByteBuffer b : message) {
      byte[] copy = new byte[b.remaining()];
      b.duplicate().get(copy);
      out.write(copy);
    }
    out.write(new byte[] {-1, -1, -1, -1, 0, 0, 0, 0});
    return out.toByteArray();
  }

  static byte[] stream(IpcRecordBatch batch) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    batch.writeTo(out);
    return stream(List.of(ByteBuffer.wrap(out.toByteArray())));
  }

  /** Asserts that row k of the root holds natural row i of partition p. */
  static void assertRow(VectorSchemaRoot root, int k, int p, int i) {
    InternalRow expected = row(p, i, false);
    int v = p * 100 + i;
    boolean nulls = i % 3 == 1;
    String at = "row " + k + " (partition " + p + " row " + i + ")";
    BitVector b = (BitVector) root.getVector("b");
    assertThat(b.isNull(k)).as(at).isEqualTo(nulls);
    if (!nulls) {
      assertThat(b.get(k) == 1).as(at).isEqualTo(v % 2 == 0);
      assertThat(((IntVector) root.getVector("i32")).get(k)).as(at).isEqualTo(v * 3);
      assertThat(((Float8Vector) root.getVector("f64")).get(k)).as(at).isEqualTo(v / 8.0);
      assertThat(new String(((VarCharVector) root.getVector("s")).get(k), StandardCharsets.UTF_8)).as(at).isEqualTo("é" + v);
    } else {
      assertThat(root.getVector("i32").isNull(k)).as(at).isTrue();
      assertThat(root.getVector("s").isNull(k)).as(at).isTrue();
    }
    assertThat(((TinyIntVector) root.getVector("i8")).get(k)).as(at).isEqualTo(expected.getByte(1));
    assertThat(((SmallIntVector) root.getVector("i16")).get(k)).as(at).isEqualTo((short) -v);
    assertThat(((BigIntVector) root.getVector("i64")).get(k)).as(at).isEqualTo((long) v << 33);
    assertThat(((Float4Vector) root.getVector("f32")).get(k)).as(at).isEqualTo(v / 4f);
    assertThat(((DateDayVector) root.getVector("d")).get(k)).as(at).isEqualTo(v);
    assertThat(((TimeStampMicroTZVector) root.getVector("ts")).get(k)).as(at).isEqualTo((long) v * 1_000_000);
    assertThat(((TimeStampMicroVector) root.getVector("ntz")).get(k)).as(at).isEqualTo((long) v * 7);
    assertThat(((VarBinaryVector) root.getVector("bin")).get(k)).as(at).isEqualTo(("bin" + v).getBytes(StandardCharsets.UTF_8));
    FixedSizeListVector t = (FixedSizeListVector) root.getVector("t");
    Float4Vector tv = (Float4Vector) t.getDataVector();
    for (int j = 0; j < 6; j++) {
      assertThat(tv.get(k * 6 + j)).as(at).isEqualTo(v + j / 10f);
    }
    FixedSizeListVector img = (FixedSizeListVector) root.getVector("img");
    UInt1Vector iv = (UInt1Vector) img.getDataVector();
    for (int j = 0; j < 4; j++) {
      assertThat(iv.get(k * 4 + j)).as(at).isEqualTo((byte) (v + j));
    }
  }

  @Test
  void arrowJavaReadsAnEncodedPartition() throws Exception {
    for (boolean unsafe : new boolean[] {true, false}) {
      IpcRecordBatch batch = encodeReversed(3, 10, unsafe);
      assertThat(batch.layout().rows()).isEqualTo(10);
      try (BufferAllocator a = new RootAllocator();
          ArrowStreamReader r = new ArrowStreamReader(new ByteArrayInputStream(stream(batch)), a)) {
        assertThat(r.loadNextBatch()).isTrue();
        VectorSchemaRoot root = r.getVectorSchemaRoot();
        assertThat(root.getRowCount()).isEqualTo(10);
        for (int k = 0; k < 10; k++) {
          assertRow(root, k, 3, 9 - k);
        }
        assertThat(r.loadNextBatch()).isFalse();
      }
    }
  }

  @Test
  void tensorsCarryTheCanonicalExtensionMetadata() throws Exception {
    try (BufferAllocator a = new RootAllocator();
        ArrowStreamReader r = new ArrowStreamReader(new ByteArrayInputStream(stream(encodeReversed(0, 1, true))), a)) {
      Field t = r.getVectorSchemaRoot().getSchema().findField("t");
      assertThat(t.getMetadata()).containsEntry("ARROW:extension:name", "arrow.fixed_shape_tensor")
          .containsEntry("ARROW:extension:metadata", "{\"shape\":[2,3]}");
      assertThat(t.getType().toString()).isEqualTo("FixedSizeList(6)");
      assertThat(t.getChildren().get(0).getType().toString()).isEqualTo("FloatingPoint(SINGLE)");
      assertThat(r.getVectorSchemaRoot().getSchema().findField("img").getChildren().get(0).getType().toString())
          .isEqualTo("Int(8, false)");
    }
  }

  @Test
  void assembledSlicesOfSeveralPartitionsReadBack() throws Exception {
    IpcRecordBatch p1 = encodeReversed(1, 9, true);
    IpcRecordBatch p2 = encodeReversed(2, 7, false);
    BatchAssembler asm = new BatchAssembler(WIRE);
    // slots 2..6 of p1 (natural rows 6..2), then slots 0..3 of p2 (natural rows 6..3), then slot 8 of p1
    List<BatchAssembler.Slice> slices = List.of(new BatchAssembler.Slice(p1, 2, 5),
        new BatchAssembler.Slice(p2, 0, 4), new BatchAssembler.Slice(p1, 8, 1));
    try (BufferAllocator a = new RootAllocator();
        ArrowStreamReader r = new ArrowStreamReader(new ByteArrayInputStream(stream(asm.assemble(slices))), a)) {
      assertThat(r.loadNextBatch()).isTrue();
      VectorSchemaRoot root = r.getVectorSchemaRoot();
      assertThat(root.getRowCount()).isEqualTo(10);
      int k = 0;
      for (int i = 6; i >= 2; i--) {
        assertRow(root, k++, 1, i);
      }
      for (int i = 6; i >= 3; i--) {
        assertRow(root, k++, 2, i);
      }
      assertRow(root, k, 1, 0);
      List<Long> nullCounts = new ArrayList<>();
      for (FieldVector v : root.getFieldVectors()) {
        nullCounts.add((long) v.getNullCount());
      }
      // natural rows with i % 3 == 1 are null in b, i32, f64, s: rows 4 (p1) and 4 (p2)
      assertThat(nullCounts.get(0)).isEqualTo(2);
    }
  }

  @Test
  void badValuesNameColumnRowAndPartition() {
    PartitionEncoder e = new PartitionEncoder(WIRE, 5, 1);
    GenericInternalRow g = (GenericInternalRow) row(5, 0, false);
    g.update(13, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> e.put(g, 17, 0)).hasMessage(
        "Cannot stream column 'img': row 17 of partition 5 holds 3 bytes; the tensor uint8[2, 2] needs 4");
    GenericInternalRow h = (GenericInternalRow) row(5, 0, false);
    h.update(1, null);
    assertThatThrownBy(() -> new PartitionEncoder(WIRE, 5, 1).put(h, 4, 0))
        .hasMessage("Cannot stream column 'i8': row 4 of partition 5 is null; i8: int8 holds no nulls");
    GenericInternalRow t = (GenericInternalRow) row(5, 0, false);
    t.update(12, new GenericArrayData(new Object[] {1f, 2f}));
    assertThatThrownBy(() -> new PartitionEncoder(WIRE, 5, 1).put(t, 0, 0))
        .hasMessage("Cannot stream column 't': row 0 of partition 5 holds 2 elements; the tensor [2, 3] needs 6");
  }

  @Test
  void unsupportedColumnsAreRefusedWithTheSupportedList() {
    StructType s = new StructType().add("m", DataTypes.createMapType(DataTypes.StringType, DataTypes.IntegerType));
    assertThatThrownBy(() -> WireSchema.of(s, Map.of())).hasMessageStartingWith(
        "Cannot stream column 'm' of type map<string,int>: supported are boolean, tinyint");
    StructType a = new StructType().add("v", DataTypes.createArrayType(DataTypes.FloatType));
    assertThatThrownBy(() -> WireSchema.of(a, Map.of())).hasMessageEndingWith(
        "; declare it a tensor (option tensor.v = d1,d2,...)");
    StructType f = new StructType().add("f", DataTypes.FloatType);
    assertThatThrownBy(() -> WireSchema.of(f, Map.of("w", TensorSpec.parse("w", "3"))))
        .hasMessageStartingWith("Cannot declare tensors [w]: no such columns");
    assertThatThrownBy(() -> TensorSpec.parse("v", "float32:3,x")).hasMessageStartingWith(
        "Cannot declare column 'v' a tensor from 'float32:3,x' (expected [dtype:]d1,d2,...)");
  }
}
