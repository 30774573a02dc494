package io.s3dlio.npz.format;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parser of the Python literals found in .npy headers: dicts, tuples, lists, strings, integers
 * (with the Python 2 {@code L} suffix), {@code True}, {@code False} and {@code None}.
 *
 * <p>Values map to {@link Map} (insertion order), {@link Tuple}, {@link List}, {@link String},
 * {@link BigInteger}, {@link Boolean} and null.
 */
final class PyLiteral {
  /** A Python tuple (kept apart from a list: numpy's shape is a tuple, a structured descr a list). */
  record Tuple(List<Object> items) {
  }

  private final String text;
  private int pos;

  private PyLiteral(String text) {
    this.text = text;
  }

  /** Parses one literal that must fill {@code text} (bar white space). */
  static Object parse(String text) {
    PyLiteral p = new PyLiteral(text);
    Object v = p.value();
    p.skipSpace();
    if (p.pos != text.length()) {
      throw p.error("unexpected '" + text.charAt(p.pos) + "' after the value");
    }
    return v;
  }

  private Object value() {
    skipSpace();
    if (pos >= text.length()) {
      throw error("unexpected end of text");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return dict();
      case '(':
        return new Tuple(sequence('(', ')'));
      case '[':
        return sequence('[', ']');
      case '\'':
      case '"':
        return string();
      default:
        if (c == '-' || c == '+' || Character.isDigit(c)) {
          return integer();
        }
        if (Character.isLetter(c) || c == '_') {
          return name();
        }
        throw error("unexpected '" + c + "'");
    }
  }

  private Map<Object, Object> dict() {
    pos++;
    Map<Object, Object> m = new LinkedHashMap<>();
    while (true) {
      skipSpace();
      if (peek() == '}') {
        pos++;
        return m;
      }
      Object key = value();
      skipSpace();
      expect(':');
      Object val = value();
      if (m.put(key, val) != null) {
        throw error("duplicate key " + key);
      }
      skipSpace();
      if (peek() == ',') {
        pos++;
      } else if (peek() != '}') {
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> sequence(char open, char close) {
    pos++;
    List<Object> items = new ArrayList<>();
    while (true) {
      skipSpace();
      if (peek() == close) {
        pos++;
        return items;
      }
      items.add(value());
      skipSpace();
      if (peek() == ',') {
        pos++;
      } else if (peek() != close) {
        throw error("expected ',' or '" + close + "'");
      }
    }
  }

  private String string() {
    char quote = text.charAt(pos++);
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos++);
      if (c == quote) {
        return sb.toString();
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (pos >= text.length()) {
        throw error("unterminated escape");
      }
      char e = text.charAt(pos++);
      switch (e) {
        case 'n':
          sb.append('\n');
          break;
        case 't':
          sb.append('\t');
          break;
        case 'r':
          sb.append('\r');
          break;
        case '0':
          sb.append('\0');
          break;
        case 'x':
          sb.append((char) hex(2));
          break;
        case 'u':
          sb.append((char) hex(4));
          break;
        case 'U':
          sb.appendCodePoint(hex(8));
          break;
        default:
          sb.append(e);
      }
    }
  }

  private int hex(int digits) {
    if (pos + digits > text.length()) {
      throw error("short escape");
    }
    try {
      int v = Integer.parseUnsignedInt(text.substring(pos, pos + digits), 16);
      pos += digits;
      return v;
    } catch (NumberFormatException e) {
      throw error("bad escape");
    }
  }

  private BigInteger integer() {
    int start = pos;
    if (peek() == '-' || peek() == '+') {
      pos++;
    }
    while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
      pos++;
    }
    String digits = text.substring(start, pos);
    if (pos < text.length() && (text.charAt(pos) == 'L' || text.charAt(pos) == 'l')) {
      pos++; // Python 2 long suffix, e.g. (2L,)
    }
    if (pos < text.length() && (text.charAt(pos) == '.' || text.charAt(pos) == 'e')) {
      throw error("only integers are expected here");
    }
    try {
      return new BigInteger(digits);
    } catch (NumberFormatException e) {
      throw error("bad integer '" + digits + "'");
    }
  }

  private Object name() {
    int start = pos;
    while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
      pos++;
    }
    String n = text.substring(start, pos);
    switch (n) {
      case "True":
        return Boolean.TRUE;
      case "False":
        return Boolean.FALSE;
      case "None":
        return null;
      default:
        throw new IllegalArgumentException("unexpected name '" + n + "' at character " + start);
    }
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(what + " at character " + pos);
  }
}
