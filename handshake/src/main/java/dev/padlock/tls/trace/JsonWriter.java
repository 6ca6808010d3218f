package dev.padlock.tls.trace;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a tree of maps (use LinkedHashMap for field order), collections, strings, numbers, booleans,
 * optionals and nulls as JSON (RFC 8259), indented by two spaces. Strings are escaped as the RFC
 * requires: quote, backslash and every control character below U+0020.
 */
final class JsonWriter {
  private JsonWriter() {}

  static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.append('\n').toString();
  }

  private static void write(StringBuilder sb, Object v, int indent) {
    if (v instanceof Optional<?> o) {
      v = o.orElse(null);
    }
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      string(sb, s);
    } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long
        || v instanceof BigDecimal) {
      sb.append(v instanceof BigDecimal d ? d.toPlainString() : v.toString());
    } else if (v instanceof Map<?, ?> m) {
      container(sb, '{', '}', m.entrySet(), indent, (e, in) -> {
        Map.Entry<?, ?> entry = (Map.Entry<?, ?>) e;
        string(sb, String.valueOf(entry.getKey()));
        sb.append(": ");
        write(sb, entry.getValue(), in);
      });
    } else if (v instanceof Collection<?> c) {
      container(sb, '[', ']', c, indent, (e, in) -> write(sb, e, in));
    } else {
      string(sb, v.toString());
    }
  }

  private interface ElementWriter {
    void write(Object element, int indent);
  }

  private static void container(StringBuilder sb, char open, char close, Collection<?> elements,
      int indent, ElementWriter writer) {
    if (elements.isEmpty()) {
      sb.append(open).append(close);
      return;
    }
    sb.append(open).append('\n');
    int i = 0;
    for (Object e : elements) {
      sb.append("  ".repeat(indent + 1));
      writer.write(e, indent + 1);
      sb.append(++i < elements.size() ? ",\n" : "\n");
    }
    sb.append("  ".repeat(indent)).append(close);
  }

  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
