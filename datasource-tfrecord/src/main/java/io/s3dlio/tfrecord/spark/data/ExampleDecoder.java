package io.s3dlio.tfrecord.spark.data;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.s3dlio.tfrecord.codec.TfRecordFormatException;
import io.s3dlio.tfrecord.spark.SparkRecordType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A streaming decoder of {@code tf.train.Example} / {@code tf.train.SequenceExample} payloads
 * straight into Spark row values, built once per (pruned) schema. It walks the protobuf wire
 * format with {@link CodedInputStream}: the key of each map entry is compared in place against
 * the requested columns, and the value of an unrequested feature is skipped by its length, never
 * parsed or copied. It gives the same values as parsing with protobuf-java and converting
 * (the golden-file test checks this), including protobuf's rules: a later entry with the same key
 * replaces an earlier one, a list field seen twice is concatenated, an unknown field is skipped.
 *
 * <p>Types: int64_list to bigint or array&lt;bigint&gt;; float_list to float, double (widened)
 * or arrays of them; bytes_list to binary or string (UTF-8) or arrays of them; a SequenceExample
 * feature list to an array of arrays. An absent feature, or an empty {@code Feature} with no list
 * set, gives null; so does an empty list read into a scalar column. A list of several values read
 * into a scalar column is an error. Errors name the file, the record's byte offset and the feature.
 * Not thread-safe.
 */
public final class ExampleDecoder {
  /** Element type of a column. */
  enum Elem {
    LONG(3, "int64_list"), FLOAT(2, "float_list"), DOUBLE(2, "float_list"), BINARY(1, "bytes_list"),
    STRING(1, "bytes_list");

    /** The Feature oneof field number this element type is read from. */
    final int kind;
    final String kindName;

    Elem(int kind, String kindName) {
      this.kind = kind;
      this.kindName = kindName;
    }
  }

  private static final String[] KIND_NAMES = {"(none)", "bytes_list", "float_list", "int64_list"};

  /** One requested column. */
  static final class Col {
    final String name;
    final int ordinal;
    final Elem elem;
    /** 0 scalar, 1 array, 2 array of arrays (feature list). */
    final int depth;
    final DataType type;

    Col(String name, int ordinal, Elem elem, int depth, DataType type) {
      this.name = name;
      this.ordinal = ordinal;
      this.elem = elem;
      this.depth = depth;
      this.type = type;
    }
  }

  private final boolean sequence;
  private final Col[] cols;
  private final KeyTable context;
  private final KeyTable featureLists;

  private long[] longs = new long[64];
  private float[] floats = new float[64];
  private final ArrayList<Object> objects = new ArrayList<>();
  private int count;

  /** Where errors point. */
  private String source;
  private long offset;

  /**
   * @param dataSchema the columns to fill, in row order from ordinal 0 (a pruned schema)
   * @throws IllegalArgumentException naming the first column whose type cannot be read
   */
  public ExampleDecoder(StructType dataSchema, SparkRecordType recordType) {
    if (recordType == SparkRecordType.BYTE_ARRAY) {
      throw new IllegalArgumentException("Cannot decode ByteArray records as features");
    }
    this.sequence = recordType == SparkRecordType.SEQUENCE_EXAMPLE;
    StructField[] fields = dataSchema.fields();
    this.cols = new Col[fields.length];
    List<Col> ctx = new ArrayList<>();
    List<Col> lists = new ArrayList<>();
    for (int i = 0; i < fields.length; i++) {
      Col c = column(fields[i], i, sequence);
      cols[i] = c;
      (c.depth == 2 ? lists : ctx).add(c);
    }
    this.context = new KeyTable(ctx);
    this.featureLists = new KeyTable(lists);
  }

  private static Col column(StructField f, int ordinal, boolean sequence) {
    DataType t = f.dataType();
    int depth = 0;
    DataType e = t;
    while (e instanceof ArrayType && depth < 3) {
      e = ((ArrayType) e).elementType();
      depth++;
    }
    Elem elem = elem(e);
    if (elem == null || depth > 2) {
      throw new IllegalArgumentException("Cannot read column " + f.name() + " of type " + t.simpleString()
          + ": expected bigint, float, double, binary or string, an array of one"
          + (sequence ? ", or an array of arrays (a feature list)" : ""));
    }
    if (depth == 2 && !sequence) {
      throw new IllegalArgumentException("Cannot read column " + f.name() + " of type " + t.simpleString()
          + " from tf.train.Example: arrays of arrays come only from SequenceExample feature lists"
          + " (recordType=SequenceExample)");
    }
    return new Col(f.name(), ordinal, elem, depth, t);
  }

  private static Elem elem(DataType t) {
    if (t instanceof LongType) {
      return Elem.LONG;
    } else if (t instanceof FloatType) {
      return Elem.FLOAT;
    } else if (t instanceof DoubleType) {
      return Elem.DOUBLE;
    } else if (t instanceof BinaryType) {
      return Elem.BINARY;
    } else if (t instanceof StringType) {
      return Elem.STRING;
    }
    return null;
  }

  /** Number of columns this decoder fills. */
  public int width() {
    return cols.length;
  }

  /**
   * Decodes one payload into ordinals {@code 0..width()-1} of {@code row} (every column is set:
   * null when its feature is missing).
   *
   * @param source the file, named in errors
   * @param offset byte offset of the record in the file, named in errors
   * @throws TfRecordFormatException when the payload is not a valid message of the record type,
   *     or a feature does not fit its column
   */
  public void decode(byte[] buf, int off, int len, InternalRow row, String source, long offset)
      throws TfRecordFormatException {
    this.source = source;
    this.offset = offset;
    for (Col c : cols) {
      row.setNullAt(c.ordinal);
    }
    try {
      CodedInputStream in = CodedInputStream.newInstance(buf, off, len);
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        int field = WireFormat.getTagFieldNumber(tag);
        if (field == 1 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          int old = in.pushLimit(in.readRawVarint32());
          readMap(in, buf, off, context, row, false);
          in.popLimit(old);
        } else if (sequence && field == 2
            && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          int old = in.pushLimit(in.readRawVarint32());
          readMap(in, buf, off, featureLists, row, true);
          in.popLimit(old);
        } else if (!in.skipField(tag)) {
          break;
        }
      }
    } catch (TfRecordFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new TfRecordFormatException(source, offset, false, TfRecordFormatException.Problem.BAD_PAYLOAD,
          "payload is not a " + (sequence ? "tf.train.SequenceExample" : "tf.train.Example") + ": " + e.getMessage(),
          e);
    }
  }

  /** Reads the entries of a Features or FeatureLists map (each entry is field 1). */
  private void readMap(CodedInputStream in, byte[] buf, int base, KeyTable table, InternalRow row, boolean lists)
      throws IOException {
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return;
      }
      if (WireFormat.getTagFieldNumber(tag) != 1
          || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        in.skipField(tag);
        continue;
      }
      int entryLen = in.readRawVarint32();
      if (table.isEmpty()) {
        in.skipRawBytes(entryLen);
        continue;
      }
      int old = in.pushLimit(entryLen);
      int col = -2; // -2: no key yet; -1: key not requested
      ByteString pending = null;
      boolean haveValue = false;
      while (true) {
        int t = in.readTag();
        if (t == 0) {
          break;
        }
        int f = WireFormat.getTagFieldNumber(t);
        int wt = WireFormat.getTagWireType(t);
        if (f == 1 && wt == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          int klen = in.readRawVarint32();
          if (buf != null) {
            col = table.find(buf, base + in.getTotalBytesRead(), klen);
            in.skipRawBytes(klen);
          } else {
            byte[] k = in.readRawBytes(klen);
            col = table.find(k, 0, k.length);
          }
        } else if (f == 2 && wt == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          haveValue = true;
          if (col == -2) {
            pending = in.readBytes();
            continue;
          }
          pending = null;
          if (col < 0) {
            in.skipRawBytes(in.readRawVarint32());
          } else {
            int o = in.pushLimit(in.readRawVarint32());
            set(row, cols[col], lists ? readFeatureList(in, cols[col]) : readFeature(in, cols[col], cols[col].depth));
            in.popLimit(o);
          }
        } else {
          in.skipField(t);
        }
      }
      in.popLimit(old);
      if (col == -2) {
        col = table.find(new byte[0], 0, 0);
      }
      if (col >= 0) {
        Col c = cols[col];
        if (pending != null) {
          CodedInputStream sub = pending.newCodedInput();
          set(row, c, lists ? readFeatureList(sub, c) : readFeature(sub, c, c.depth));
        } else if (!haveValue) {
          // An entry with a key and no value holds the default (empty) message.
          set(row, c, null);
        }
      }
    }
  }

  private static void set(InternalRow row, Col c, Object v) {
    if (v == null) {
      row.setNullAt(c.ordinal);
    } else {
      row.update(c.ordinal, v);
    }
  }

  /** A FeatureList: repeated Feature feature = 1, each an inner array. */
  private Object readFeatureList(CodedInputStream in, Col c) throws IOException {
    ArrayList<Object> items = new ArrayList<>();
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      if (WireFormat.getTagFieldNumber(tag) == 1
          && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int old = in.pushLimit(in.readRawVarint32());
        items.add(readFeature(in, c, 1));
        in.popLimit(old);
      } else {
        in.skipField(tag);
      }
    }
    return new GenericArrayData(items.toArray());
  }

  /** A Feature: oneof bytes_list = 1, float_list = 2, int64_list = 3. Returns the value at {@code depth} (0 or 1). */
  private Object readFeature(CodedInputStream in, Col c, int depth) throws IOException {
    int kind = 0;
    count = 0;
    objects.clear();
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      int f = WireFormat.getTagFieldNumber(tag);
      if (f >= 1 && f <= 3 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        if (f != c.elem.kind) {
          throw mismatch(c, f);
        }
        kind = f;
        int old = in.pushLimit(in.readRawVarint32());
        readList(in, c.elem);
        in.popLimit(old);
      } else {
        in.skipField(tag);
      }
    }
    if (kind == 0) {
      return null;
    }
    if (depth == 0) {
      if (count == 0) {
        return null;
      }
      if (count > 1) {
        throw new FeatureTypeException(source, offset,
            "feature '" + c.name + "' has " + count + " values, but column " + c.name + " is a scalar "
                + c.type.simpleString() + " (declare it array<" + c.type.simpleString() + ">)");
      }
      switch (c.elem) {
        case LONG:
          return longs[0];
        case FLOAT:
          return floats[0];
        case DOUBLE:
          return (double) floats[0];
        default:
          return objects.get(0);
      }
    }
    switch (c.elem) {
      case LONG:
        return UnsafeArrayData.fromPrimitiveArray(Arrays.copyOf(longs, count));
      case FLOAT:
        return UnsafeArrayData.fromPrimitiveArray(Arrays.copyOf(floats, count));
      case DOUBLE: {
        double[] d = new double[count];
        for (int i = 0; i < count; i++) {
          d[i] = floats[i];
        }
        return UnsafeArrayData.fromPrimitiveArray(d);
      }
      default:
        return new GenericArrayData(objects.toArray());
    }
  }

  private void readList(CodedInputStream in, Elem elem) throws IOException {
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return;
      }
      int wt = WireFormat.getTagWireType(tag);
      if (WireFormat.getTagFieldNumber(tag) != 1) {
        in.skipField(tag);
        continue;
      }
      switch (elem) {
        case LONG:
          if (wt == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int old = in.pushLimit(in.readRawVarint32());
            while (!in.isAtEnd()) {
              addLong(in.readInt64());
            }
            in.popLimit(old);
          } else if (wt == WireFormat.WIRETYPE_VARINT) {
            addLong(in.readInt64());
          } else {
            in.skipField(tag);
          }
          break;
        case FLOAT:
        case DOUBLE:
          if (wt == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int n = in.readRawVarint32();
            int old = in.pushLimit(n);
            ensureFloats(count + n / 4);
            while (!in.isAtEnd()) {
              addFloat(in.readFloat());
            }
            in.popLimit(old);
          } else if (wt == WireFormat.WIRETYPE_FIXED32) {
            addFloat(in.readFloat());
          } else {
            in.skipField(tag);
          }
          break;
        case BINARY:
          if (wt == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            objects.add(in.readByteArray());
            count++;
          } else {
            in.skipField(tag);
          }
          break;
        default:
          if (wt == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            objects.add(UTF8String.fromBytes(in.readByteArray()));
            count++;
          } else {
            in.skipField(tag);
          }
          break;
      }
    }
  }

  private void addLong(long v) {
    if (count == longs.length) {
      longs = Arrays.copyOf(longs, count * 2);
    }
    longs[count++] = v;
  }

  private void ensureFloats(int n) {
    if (n > floats.length) {
      floats = Arrays.copyOf(floats, Math.max(n, floats.length * 2));
    }
  }

  private void addFloat(float v) {
    if (count == floats.length) {
      floats = Arrays.copyOf(floats, count * 2);
    }
    floats[count++] = v;
  }

  private FeatureTypeException mismatch(Col c, int kind) {
    return new FeatureTypeException(source, offset,
        "feature '" + c.name + "' holds a " + KIND_NAMES[kind] + ", which cannot be read into column " + c.name
            + " of type " + c.type.simpleString() + " (that needs a " + c.elem.kindName + ")");
  }

  /** Column lookup by the UTF-8 bytes of a key, without decoding it. */
  static final class KeyTable {
    private final byte[][] keys;
    private final int[] index;
    private final int mask;
    private final int size;

    KeyTable(List<Col> cols) {
      int cap = Integer.highestOneBit(Math.max(4, cols.size() * 4) - 1) << 1;
      this.keys = new byte[cap][];
      this.index = new int[cap];
      this.mask = cap - 1;
      this.size = cols.size();
      for (Col c : cols) {
        byte[] k = c.name.getBytes(StandardCharsets.UTF_8);
        int h = hash(k, 0, k.length) & mask;
        while (keys[h] != null) {
          h = (h + 1) & mask;
        }
        keys[h] = k;
        index[h] = c.ordinal;
      }
    }

    boolean isEmpty() {
      return size == 0;
    }

    /** The ordinal of the column named by these bytes, or -1. */
    int find(byte[] b, int off, int len) {
      int h = hash(b, off, len) & mask;
      while (true) {
        byte[] k = keys[h];
        if (k == null) {
          return -1;
        }
        if (k.length == len && Arrays.equals(k, 0, len, b, off, off + len)) {
          return index[h];
        }
        h = (h + 1) & mask;
      }
    }

    private static int hash(byte[] b, int off, int len) {
      int h = len;
      for (int i = off; i < off + len; i++) {
        h = 31 * h + b[i];
      }
      return h ^ (h >>> 16);
    }
  }

}
