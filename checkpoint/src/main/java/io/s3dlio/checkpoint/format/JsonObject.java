package io.s3dlio.checkpoint.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed access to the members of a parsed JSON object; every failure is a
 * {@link IllegalArgumentException} that names {@code where} (e.g. "manifest", "index tensor 3")
 * and the member.
 */
public final class JsonObject {
  private final Map<String, Object> members;
  private final String where;

  public JsonObject(Map<String, Object> members, String where) {
    this.members = members;
    this.where = where;
  }

  public static JsonObject parse(String text, String where) {
    try {
      return new JsonObject(Json.parseObject(text), where);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  public String where() {
    return where;
  }

  public boolean has(String name) {
    return members.containsKey(name);
  }

  private Object required(String name) {
    if (!members.containsKey(name)) {
      throw new IllegalArgumentException(where + ": missing member '" + name + "'");
    }
    return members.get(name);
  }

  private IllegalArgumentException wrongType(String name, String expected) {
    return new IllegalArgumentException(where + ": member '" + name + "' should be " + expected + ", found "
        + Json.kind(members.get(name)));
  }

  public String string(String name) {
    Object v = required(name);
    if (!(v instanceof String s)) {
      throw wrongType(name, "a string");
    }
    return s;
  }

  public long integer(String name) {
    Object v = required(name);
    if (!(v instanceof Long l)) {
      throw wrongType(name, "an integer");
    }
    return l;
  }

  /** An integer in [min, max]. */
  public long integer(String name, long min, long max) {
    long v = integer(name);
    if (v < min || v > max) {
      throw new IllegalArgumentException(where + ": member '" + name + "' is " + v + ", outside [" + min + ", " + max + "]");
    }
    return v;
  }

  /** A CRC32C written as 8 lowercase hex digits. */
  public int crc(String name) {
    String v = string(name);
    try {
      return Crc32c.parseJson(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": member '" + name + "': " + e.getMessage());
    }
  }

  public List<Object> array(String name) {
    Object v = required(name);
    if (!(v instanceof List<?>)) {
      throw wrongType(name, "an array");
    }
    @SuppressWarnings("unchecked")
    List<Object> l = (List<Object>) v;
    return l;
  }

  @SuppressWarnings("unchecked")
  public JsonObject object(String name) {
    Object v = required(name);
    if (!(v instanceof Map)) {
      throw wrongType(name, "an object");
    }
    return new JsonObject((Map<String, Object>) v, where + "." + name);
  }

  /** The elements of an array member that must all be objects. */
  @SuppressWarnings("unchecked")
  public List<JsonObject> objects(String name) {
    List<Object> l = array(name);
    List<JsonObject> out = new ArrayList<>(l.size());
    for (int i = 0; i < l.size(); i++) {
      if (!(l.get(i) instanceof Map)) {
        throw new IllegalArgumentException(where + ": element " + i + " of '" + name + "' should be an object");
      }
      out.add(new JsonObject((Map<String, Object>) l.get(i), where + "." + name + "[" + i + "]"));
    }
    return out;
  }

  /** An array member of integers. */
  public long[] longs(String name) {
    List<Object> l = array(name);
    long[] out = new long[l.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(l.get(i) instanceof Long v)) {
        throw new IllegalArgumentException(where + ": element " + i + " of '" + name + "' should be an integer");
      }
      out[i] = v;
    }
    return out;
  }

  /** An object member whose values are all strings. */
  public Map<String, String> stringMap(String name) {
    JsonObject o = object(name);
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, Object> e : o.members.entrySet()) {
      if (!(e.getValue() instanceof String s)) {
        throw new IllegalArgumentException(o.where + ": member '" + e.getKey() + "' should be a string");
      }
      out.put(e.getKey(), s);
    }
    return out;
  }
}
