package io.s3dlio.tfrecord.spark.data;

import io.s3dlio.tfrecord.codec.ExampleCodec;
import io.s3dlio.tfrecord.codec.TfRecordFormatException;
import io.s3dlio.tfrecord.proto.Example;
import io.s3dlio.tfrecord.proto.Feature;
import io.s3dlio.tfrecord.proto.FeatureList;
import io.s3dlio.tfrecord.proto.SequenceExample;
import io.s3dlio.tfrecord.spark.SparkRecordType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Infers a Spark schema from sampled records (the caller decides the sample: a bounded number of
 * records from a bounded number of files spread over the listing). Rules: int64_list gives
 * bigint, float_list float, bytes_list binary (string only when the user's schema says so); a
 * feature that had more than one value in any sampled record becomes an array; SequenceExample
 * feature lists become arrays of arrays. A feature seen with two different list kinds is an error
 * naming both places. A feature never seen with a list set (only empty {@code Feature}s) is left
 * out. Columns are sorted by name (context features, then feature lists, for SequenceExample).
 */
public final class SchemaInference {
  private final SparkRecordType recordType;
  private final Map<String, Seen> context = new TreeMap<>();
  private final Map<String, Seen> lists = new TreeMap<>();
  private long records;

  /** What has been seen of one feature. */
  private static final class Seen {
    int kind;
    int maxCount;
    String where;
  }

  public SchemaInference(SparkRecordType recordType) {
    this.recordType = recordType;
  }

  /** Adds one sampled payload. */
  public void add(byte[] payload, String source, long offset) throws TfRecordFormatException {
    records++;
    String where = source + " at byte " + offset;
    switch (recordType) {
      case EXAMPLE: {
        Example e = ExampleCodec.decodeExample(payload, source, offset);
        for (Map.Entry<String, Feature> f : e.getFeatures().getFeatureMap().entrySet()) {
          see(context, f.getKey(), f.getValue(), where);
        }
        break;
      }
      case SEQUENCE_EXAMPLE: {
        SequenceExample s = ExampleCodec.decodeSequenceExample(payload, source, offset);
        for (Map.Entry<String, Feature> f : s.getContext().getFeatureMap().entrySet()) {
          see(context, f.getKey(), f.getValue(), where);
        }
        for (Map.Entry<String, FeatureList> fl : s.getFeatureLists().getFeatureListMap().entrySet()) {
          for (Feature f : fl.getValue().getFeatureList()) {
            see(lists, fl.getKey(), f, where);
          }
        }
        break;
      }
      default:
        break;
    }
  }

  private static void see(Map<String, Seen> m, String name, Feature f, String where) {
    int kind;
    int n;
    switch (f.getKindCase()) {
      case BYTES_LIST:
        kind = 1;
        n = f.getBytesList().getValueCount();
        break;
      case FLOAT_LIST:
        kind = 2;
        n = f.getFloatList().getValueCount();
        break;
      case INT64_LIST:
        kind = 3;
        n = f.getInt64List().getValueCount();
        break;
      default:
        return;
    }
    Seen s = m.computeIfAbsent(name, k -> new Seen());
    if (s.kind == 0) {
      s.kind = kind;
      s.where = where;
    } else if (s.kind != kind) {
      throw new IllegalArgumentException("Cannot infer a type for feature '" + name + "': it is a " + kindName(s.kind)
          + " in " + s.where + " but a " + kindName(kind) + " in " + where + "; give a schema");
    }
    s.maxCount = Math.max(s.maxCount, n);
  }

  private static String kindName(int kind) {
    return kind == 1 ? "bytes_list" : kind == 2 ? "float_list" : "int64_list";
  }

  /** Records added so far. */
  public long records() {
    return records;
  }

  /** The inferred schema. */
  public StructType schema() {
    if (recordType == SparkRecordType.BYTE_ARRAY) {
      return byteArraySchema();
    }
    List<StructField> fields = new ArrayList<>();
    for (Map.Entry<String, Seen> e : context.entrySet()) {
      DataType t = elem(e.getValue().kind);
      fields.add(DataTypes.createStructField(e.getKey(), e.getValue().maxCount > 1 ? ArrayType.apply(t) : t, true));
    }
    for (Map.Entry<String, Seen> e : lists.entrySet()) {
      if (context.containsKey(e.getKey())) {
        throw new IllegalArgumentException("Cannot infer a schema: '" + e.getKey()
            + "' is both a context feature and a feature list; give a schema");
      }
      fields.add(DataTypes.createStructField(e.getKey(), ArrayType.apply(ArrayType.apply(elem(e.getValue().kind))),
          true));
    }
    return new StructType(fields.toArray(new StructField[0]));
  }

  /** The schema of recordType=ByteArray: one binary column {@code byteArray}. */
  public static StructType byteArraySchema() {
    return new StructType().add(SparkRecordType.BYTE_ARRAY_COLUMN, DataTypes.BinaryType, true);
  }

  private static DataType elem(int kind) {
    return kind == 1 ? DataTypes.BinaryType : kind == 2 ? DataTypes.FloatType : DataTypes.LongType;
  }
}
