package io.s3dlio.tfrecord.codec;

/**
 * The few JSON pieces the record renderer needs, appended to a {@link StringBuilder}: escaped
 * strings, numbers, and the separators. Floats are written in their shortest round-trip form;
 * NaN and infinities, which JSON has no literal for, as the strings "NaN", "Infinity", "-Infinity".
 */
final class JsonWriter {
  private JsonWriter() {
  }

  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }

  static void number(StringBuilder sb, float f) {
    if (Float.isNaN(f) || Float.isInfinite(f)) {
      string(sb, Float.toString(f));
    } else if (f == Math.rint(f) && Math.abs(f) < 1e15f) {
      // whole numbers as 3.0, not 3.0E0 forms; Float.toString does this below 1e7 only
      sb.append((long) f).append(".0");
    } else {
      sb.append(Float.toString(f));
    }
  }
}
