package dev.padlock.ca.store.jdbc;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The names a certificate is found by in {@code certificate_names}: its CN and the value of each SAN
 * ({@code dns:web.example} is found as {@code web.example}), lower-cased, each once. A search is a prefix
 * of one of them, lower-cased; a leading SAN type ({@code dns:}, {@code ip:}, {@code uri:}, {@code email:})
 * is dropped from it, so {@code dns:web} finds what {@code web} finds.
 */
final class Names {
  /** The width of {@code certificate_names.name}; longer names are indexed by their first characters. */
  static final int MAX = 1024;
  private static final List<String> TYPES = List.of("dns:", "ip:", "uri:", "email:");

  private Names() {}

  /** @param sans as stored: {@code type:value} */
  static Set<String> of(String commonName, List<String> sans) {
    Set<String> out = new LinkedHashSet<>(2 + sans.size());
    add(out, commonName);
    for (String san : sans) {
      int colon = san.indexOf(':');
      add(out, colon < 0 ? san : san.substring(colon + 1));
    }
    return out;
  }

  private static void add(Set<String> out, String name) {
    String n = fold(name);
    if (!n.isEmpty()) {
      out.add(n);
    }
  }

  private static String fold(String s) {
    String n = s.trim().toLowerCase(Locale.ROOT);
    return n.length() <= MAX ? n : n.substring(0, MAX);
  }

  /** The prefix to search for, or empty when the text asks for no filter (blank, or only a SAN type). */
  static Optional<String> prefix(String text) {
    String n = fold(text);
    for (String type : TYPES) {
      if (n.startsWith(type)) {
        n = n.substring(type.length());
        break;
      }
    }
    return n.isEmpty() ? Optional.empty() : Optional.of(n);
  }

  /**
   * The least string above every string that starts with {@code prefix}: the prefix with its last char
   * incremented (dropping trailing U+FFFF). Names in [prefix, upperBound) are exactly those with the prefix,
   * in H2's order (UTF-16 units) and PostgreSQL's "C" collation (code points) alike, for the names we store.
   * Empty if there is none (a prefix of U+FFFF only): then there is no upper bound.
   */
  static Optional<String> upperBound(String prefix) {
    int end = prefix.length();
    while (end > 0 && prefix.charAt(end - 1) == Character.MAX_VALUE) {
      end--;
    }
    if (end == 0) {
      return Optional.empty();
    }
    return Optional.of(prefix.substring(0, end - 1) + (char) (prefix.charAt(end - 1) + 1));
  }
}
