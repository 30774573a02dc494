package io.s3dlio.checkpoint.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the checkpoint format, read and written with Jackson: objects, arrays, strings,
 * integers, booleans and null; no fractions or exponents (the format never writes them), no
 * duplicate members, nothing after the value. Objects parse to insertion-ordered maps, arrays to
 * lists, integers to {@link Long}.
 */
public final class Json {
  private static final int MAX_DEPTH = 64;
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .build();
  private static final ObjectMapper WRITER = new ObjectMapper(FACTORY);

  private Json() {
  }

  /** Compact JSON text of a map, list, long array, string, integer, boolean or null. */
  public static String write(Object value) {
    try {
      return WRITER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot write a " + value.getClass().getName() + " as checkpoint JSON", e);
    }
  }

  /**
   * Parses one JSON value (surrounding whitespace allowed).
   *
   * @throws IllegalArgumentException naming the character offset and what was wrong
   */
  public static Object parse(String text) {
    try (JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() == null) {
        throw error(p, "a value, found the end of input");
      }
      Object v = value(p);
      if (p.nextToken() != null) {
        throw error(p, "the end of input after the value");
      }
      return v;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage() + " at character "
          + (e.getLocation() == null ? -1 : e.getLocation().getCharOffset()), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** {@link #parse(String)} of a text that must hold an object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("expected a JSON object, found " + kind(v));
    }
    return (Map<String, Object>) v;
  }

  private static Object value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
          p.nextToken();
          m.put(name, value(p));
        }
        return m;
      }
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          l.add(value(p));
        }
        return l;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT -> {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw error(p, "an integer within 64 bits");
        }
        return p.getLongValue();
      }
      case VALUE_NUMBER_FLOAT -> throw error(p, "an integer (the checkpoint format has no fractions)");
      case VALUE_TRUE, VALUE_FALSE -> {
        return p.getBooleanValue();
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw error(p, "a value, found " + t);
    }
  }

  private static IllegalArgumentException error(JsonParser p, String expected) {
    return new IllegalArgumentException("expected " + expected + " at character "
        + p.currentTokenLocation().getCharOffset());
  }

  static String kind(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Map) {
      return "an object";
    }
    if (v instanceof List) {
      return "an array";
    }
    if (v instanceof String) {
      return "a string";
    }
    if (v instanceof Long) {
      return "an integer";
    }
    return "a boolean";
  }
}
