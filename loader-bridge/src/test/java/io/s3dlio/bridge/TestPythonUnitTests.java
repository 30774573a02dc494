package io.s3dlio.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3dlio.bridge.BridgeTestSupport.Py;
import io.s3dlio.bridge.arrow.BatchAssembler;
import io.s3dlio.bridge.arrow.IpcRecordBatch;
import io.s3dlio.bridge.arrow.PartitionEncoder;
import io.s3dlio.bridge.arrow.TensorSpec;
import io.s3dlio.bridge.arrow.WireSchema;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampNanoVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the Python package's unit tests ({@code python3 -m unittest} under python/tests) with golden
 * Arrow IPC streams written here, at test time, by Arrow Java's own writer (and by the bridge's
 * encoder), each with the values it holds in a JSON file.
 */
class TestPythonUnitTests {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int[] ROWS = {5, 3};

  @TempDir
  Path dir;

  @Test
  void pythonUnitTestsPassAgainstArrowJavaGoldenStreams() throws Exception {
    Path golden = Files.createDirectories(dir.resolve("golden"));
    writeTypes(golden);
    writeBridge(golden);
    writeUnsupported(golden);
    Py py = BridgeTestSupport.python(dir, "unittest", Map.of("S3DLIO_ARROW_GOLDEN", golden.toString()),
        // test_checkpoint*.py need Java-written checkpoints: the checkpoint module runs them
        // (TestPythonInterop); every other Python test of the package runs here.
        List.of("-m", "unittest", "discover", "-s", "tests", "-t", ".", "-p", "test_[!c]*.py", "-v"));
    int rc = py.await(300);
    String report = py.err();
    assertThat(rc).as(report).isZero();
    assertThat(report).contains("test_arrow_java_types").contains("test_bridge_encoder")
        .contains("test_record_batch_reader_reuses_the_layout_not_the_values").containsPattern("\nOK");
    assertThat(report).as("no Python test may be skipped here").doesNotContain("skipped");
  }

  private static Field field(String name, ArrowType type, boolean nullable) {
    return new Field(name, new FieldType(nullable, type, null), null);
  }

  /** Every type the reader supports, two batches, nulls in the nullable columns. */
  private static void writeTypes(Path golden) throws Exception {
    Field tensor = new Field("tensor", new FieldType(false, new ArrowType.FixedSizeList(6), null,
        Map.of("ARROW:extension:name", "arrow.fixed_shape_tensor", "ARROW:extension:metadata", "{\"shape\":[2,3]}")),
        List.of(field("item", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), false)));
    Field fsl = new Field("fsl", new FieldType(true, new ArrowType.FixedSizeList(3), null),
        List.of(field("item", new ArrowType.Int(16, true), false)));
    Schema schema = new Schema(List.of(
        field("i8", new ArrowType.Int(8, true), false), field("u8", new ArrowType.Int(8, false), false),
        field("i16", new ArrowType.Int(16, true), false), field("u16", new ArrowType.Int(16, false), false),
        field("i32", new ArrowType.Int(32, true), true), field("u32", new ArrowType.Int(32, false), false),
        field("i64", new ArrowType.Int(64, true), false), field("u64", new ArrowType.Int(64, false), false),
        field("f16", new ArrowType.FloatingPoint(FloatingPointPrecision.HALF), false),
        field("f32", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), false),
        field("f64", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), false),
        field("bool", new ArrowType.Bool(), true), field("utf8", new ArrowType.Utf8(), true),
        field("bin", new ArrowType.Binary(), false), field("date", new ArrowType.Date(DateUnit.DAY), false),
        field("datems", new ArrowType.Date(DateUnit.MILLISECOND), false),
        field("ts", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"), false),
        field("tsns", new ArrowType.Timestamp(TimeUnit.NANOSECOND, null), false), tensor, fsl));
    ObjectNode expected = JSON.createObjectNode();
    ArrayNode batches = expected.putArray("batches");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (BufferAllocator a = new RootAllocator(); VectorSchemaRoot root = VectorSchemaRoot.create(schema, a);
        ArrowStreamWriter w = new ArrowStreamWriter(root, null, bytes)) {
      w.start();
      int g = 0;
      for (int rows : ROWS) {
        root.allocateNew();
        ObjectNode b = batches.addObject();
        for (Field f : schema.getFields()) {
          b.putArray(f.getName());
        }
        for (int r = 0; r < rows; r++, g++) {
          fill(root, b, r, g);
        }
        for (var v : root.getFieldVectors()) {
          v.setValueCount(rows);
        }
        root.setRowCount(rows);
        w.writeBatch();
      }
      w.end();
    }
    Files.write(golden.resolve("types.arrows"), bytes.toByteArray());
    Files.writeString(golden.resolve("types.json"), JSON.writeValueAsString(expected));
  }

  private static void fill(VectorSchemaRoot root, ObjectNode b, int r, int g) {
    ((TinyIntVector) root.getVector("i8")).setSafe(r, (byte) (g * 37 - 100));
    ((ArrayNode) b.get("i8")).add((byte) (g * 37 - 100));
    ((UInt1Vector) root.getVector("u8")).setSafe(r, (g * 53) & 0xFF);
    ((ArrayNode) b.get("u8")).add((g * 53) & 0xFF);
    ((SmallIntVector) root.getVector("i16")).setSafe(r, (short) (-g * 1000));
    ((ArrayNode) b.get("i16")).add(-g * 1000);
    ((UInt2Vector) root.getVector("u16")).setSafe(r, (char) (g * 3000));
    ((ArrayNode) b.get("u16")).add(g * 3000);
    if (g % 4 == 0) {
      ((IntVector) root.getVector("i32")).setNull(r);
      ((ArrayNode) b.get("i32")).addNull();
    } else {
      ((IntVector) root.getVector("i32")).setSafe(r, g * 100_000 - 7);
      ((ArrayNode) b.get("i32")).add(g * 100_000 - 7);
    }
    ((UInt4Vector) root.getVector("u32")).setSafe(r, (int) (4_000_000_000L - g));
    ((ArrayNode) b.get("u32")).add(4_000_000_000L - g);
    ((BigIntVector) root.getVector("i64")).setSafe(r, g * 1_000_000_000_000L);
    ((ArrayNode) b.get("i64")).add(g * 1_000_000_000_000L);
    ((UInt8Vector) root.getVector("u64")).setSafe(r, Long.MIN_VALUE + g);
    ((ArrayNode) b.get("u64")).add(BigInteger.ONE.shiftLeft(63).add(BigInteger.valueOf(g)));
    ((Float2Vector) root.getVector("f16")).setSafeWithPossibleTruncate(r, g / 4f);
    ((ArrayNode) b.get("f16")).add(g / 4.0);
    ((Float4Vector) root.getVector("f32")).setSafe(r, g / 8f);
    ((ArrayNode) b.get("f32")).add(g / 8.0);
    ((Float8Vector) root.getVector("f64")).setSafe(r, g / 16.0 - 1);
    ((ArrayNode) b.get("f64")).add(g / 16.0 - 1);
    if (g % 4 == 3) {
      ((BitVector) root.getVector("bool")).setNull(r);
      ((ArrayNode) b.get("bool")).addNull();
    } else {
      ((BitVector) root.getVector("bool")).setSafe(r, g % 3 == 0 ? 1 : 0);
      ((ArrayNode) b.get("bool")).add(g % 3 == 0);
    }
    if (g % 4 == 1) {
      ((VarCharVector) root.getVector("utf8")).setNull(r);
      ((ArrayNode) b.get("utf8")).addNull();
    } else {
      ((VarCharVector) root.getVector("utf8")).setSafe(r, ("ü" + g * g).getBytes(StandardCharsets.UTF_8));
      ((ArrayNode) b.get("utf8")).add("ü" + g * g);
    }
    byte[] bin = new byte[g % 5];
    for (int k = 0; k < bin.length; k++) {
      bin[k] = (byte) (g + k * 50);
    }
    ((VarBinaryVector) root.getVector("bin")).setSafe(r, bin);
    ((ArrayNode) b.get("bin")).add(HexFormat.of().formatHex(bin));
    ((DateDayVector) root.getVector("date")).setSafe(r, 19000 + g);
    ((ArrayNode) b.get("date")).add(19000 + g);
    ((DateMilliVector) root.getVector("datems")).setSafe(r, (19000L + g) * 86_400_000L);
    ((ArrayNode) b.get("datems")).add((19000L + g) * 86_400_000L);
    ((TimeStampMicroTZVector) root.getVector("ts")).setSafe(r, 1_700_000_000_000_000L + g);
    ((ArrayNode) b.get("ts")).add(1_700_000_000_000_000L + g);
    ((TimeStampNanoVector) root.getVector("tsns")).setSafe(r, g * 1_000_000_123L);
    ((ArrayNode) b.get("tsns")).add(g * 1_000_000_123L);
    FixedSizeListVector t = (FixedSizeListVector) root.getVector("tensor");
    ArrayNode tv = ((ArrayNode) b.get("tensor")).addArray();
    for (int i = 0; i < 2; i++) {
      ArrayNode rowNode = tv.addArray();
      for (int j = 0; j < 3; j++) {
        ((Float4Vector) t.getDataVector()).setSafe(r * 6 + i * 3 + j, g + (i * 3 + j) * 0.5f);
        rowNode.add(g + (i * 3 + j) * 0.5);
      }
    }
    t.setNotNull(r);
    FixedSizeListVector l = (FixedSizeListVector) root.getVector("fsl");
    for (int k = 0; k < 3; k++) {
      ((SmallIntVector) l.getDataVector()).setSafe(r * 3 + k, (short) (g * 10 + k));
    }
    if (g % 4 == 2) {
      l.setNull(r);
      ((ArrayNode) b.get("fsl")).addNull();
    } else {
      l.setNotNull(r);
      ((ArrayNode) b.get("fsl")).addArray().add(g * 10).add(g * 10 + 1).add(g * 10 + 2);
    }
  }

  /** A batch as the bridge sends it: rows encoded by the executor's encoder, cut by the assembler. */
  private static void writeBridge(Path golden) throws Exception {
    StructType spark = new StructType().add("id", DataTypes.LongType, false).add("name", DataTypes.StringType, true)
        .add("img", DataTypes.BinaryType, false);
    WireSchema wire = WireSchema.of(spark, Map.of("img", TensorSpec.parse("img", "float32:2,2")));
    PartitionEncoder e = new PartitionEncoder(wire, 0, 6);
    ObjectNode expected = JSON.createObjectNode();
    ArrayNode ids = expected.putArray("id");
    ArrayNode names = expected.putArray("name");
    ArrayNode imgs = expected.putArray("img");
    for (int i = 0; i < 6; i++) {
      ByteBuffer f = ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      for (int k = 0; k < 4; k++) {
        f.putFloat(i + k / 4f);
      }
      e.put(new GenericInternalRow(new Object[] {(long) i * 11, i == 2 ? null : UTF8String.fromString("n" + i),
          f.array()}), i, i);
    }
    IpcRecordBatch batch = e.finish();
    // the assembler's batch: rows 1..4
    for (int i = 1; i < 5; i++) {
      ids.add((long) i * 11);
      if (i == 2) {
        names.addNull();
      } else {
        names.add("n" + i);
      }
      imgs.addArray().add(JSON.createArrayNode().add(i).add(i + 0.25)).add(JSON.createArrayNode().add(i + 0.5).add(i + 0.75));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(wire.schemaMessage());
    for (ByteBuffer b : new BatchAssembler(wire).assemble(List.of(new BatchAssembler.Slice(batch, 1, 4)))) {
      byte[] c = new byte[b.remaining()];
      b.duplicate().get(c);
      out.write(c);
    }
    Files.write(golden.resolve("bridge.arrows"), out.toByteArray());
    Files.writeString(golden.resolve("bridge.json"), JSON.writeValueAsString(expected));
  }

  /** A stream with a List column, which the reader refuses. */
  private static void writeUnsupported(Path golden) throws Exception {
    Schema schema = new Schema(List.of(new Field("ragged", new FieldType(true, new ArrowType.List(), null),
        List.of(field("item", new ArrowType.Int(32, true), true)))));
    try (BufferAllocator a = new RootAllocator(); VectorSchemaRoot root = VectorSchemaRoot.create(schema, a);
        OutputStream out = Files.newOutputStream(golden.resolve("unsupported.arrows"));
        ArrowStreamWriter w = new ArrowStreamWriter(root, null, out)) {
      w.start();
      ((ListVector) root.getVector("ragged")).setValueCount(0);
      root.setRowCount(0);
      w.writeBatch();
      w.end();
    }
  }
}
