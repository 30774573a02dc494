package io.s3dlio.bridge.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** The JSON payloads of control frames (UTF-8 objects), with Spark's Jackson. */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {
  }

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static byte[] bytes(ObjectNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses a control payload; a payload that is not a JSON object is a {@link FrameException}. */
  public static JsonNode parse(int type, byte[] payload) throws FrameException {
    try {
      JsonNode n = MAPPER.readTree(payload);
      if (n == null || !n.isObject()) {
        throw new FrameException(FrameType.name(type) + " payload is not a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw new FrameException(FrameType.name(type) + " payload is not valid JSON: " + e.getMessage());
    }
  }

  public static ObjectNode error(String code, String message) {
    return object().put("code", code).put("message", message);
  }
}
