package io.s3dlio.tfrecord.keys;

import com.google.protobuf.ByteString;
import io.s3dlio.tfrecord.proto.Feature;
import java.util.Locale;

/**
 * The type of a key feature, and the Java value a key has in memory: {@link ByteString} for
 * bytes (strings), {@link Long} for int64, {@link Float} for float.
 */
public enum KeyType {
  BYTES(1),
  INT64(2),
  FLOAT(3);

  private final int code;

  KeyType(int code) {
    this.code = code;
  }

  /** The code stored in the key-index file. */
  public int code() {
    return code;
  }

  public static KeyType ofCode(int code) {
    for (KeyType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown key type code " + code);
  }

  /** The type of a feature's list, or null for an empty Feature. */
  public static KeyType of(Feature f) {
    switch (f.getKindCase()) {
      case BYTES_LIST:
        return BYTES;
      case INT64_LIST:
        return INT64;
      case FLOAT_LIST:
        return FLOAT;
      default:
        return null;
    }
  }

  /** Parses {@code bytes|string|int64|int|float}. */
  public static KeyType parse(String s) {
    switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "bytes":
      case "string":
      case "str":
        return BYTES;
      case "int":
      case "int64":
      case "long":
        return INT64;
      case "float":
        return FLOAT;
      default:
        throw new IllegalArgumentException("Cannot use key type '" + s + "': expected string, int64 or float");
    }
  }

  /** The key a command-line string names: UTF-8 bytes, a decimal integer, or a float. */
  public Object parseKey(String text) {
    try {
      switch (this) {
        case BYTES:
          return ByteString.copyFromUtf8(text);
        case INT64:
          return Long.parseLong(text.trim());
        default:
          return Float.parseFloat(text.trim());
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Cannot use '" + text + "' as a key: the index has " + name().toLowerCase(Locale.ROOT)
          + " keys", e);
    }
  }

  /** A key as text (bytes as UTF-8, or as hex when not valid UTF-8). */
  public String format(Object key) {
    if (key instanceof ByteString) {
      ByteString b = (ByteString) key;
      if (b.isValidUtf8()) {
        return b.toStringUtf8();
      }
      StringBuilder sb = new StringBuilder("0x");
      for (int i = 0; i < b.size(); i++) {
        sb.append(String.format("%02x", b.byteAt(i) & 0xff));
      }
      return sb.toString();
    }
    return String.valueOf(key);
  }

  /** The single key value of {@code f}, or an error text. */
  Object single(Feature f) {
    int n;
    switch (this) {
      case BYTES:
        n = f.getBytesList().getValueCount();
        return n == 1 ? f.getBytesList().getValue(0) : (Object) ("has " + n + " values, a key needs exactly 1");
      case INT64:
        n = f.getInt64List().getValueCount();
        return n == 1 ? (Object) f.getInt64List().getValue(0) : "has " + n + " values, a key needs exactly 1";
      default:
        n = f.getFloatList().getValueCount();
        return n == 1 ? (Object) f.getFloatList().getValue(0) : "has " + n + " values, a key needs exactly 1";
    }
  }
}
