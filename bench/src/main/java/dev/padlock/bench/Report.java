package dev.padlock.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The figures of one run, in the order measured: printed as one table and written as {@code results.json}
 * (keys as in issue 6). A figure is measured, derived (a ratio of two measured in this run), not yet
 * measurable (waits for another issue), or skipped (a peer is not installed).
 */
public final class Report {
  /** A bound a ratio or latency is held to (issue 6's targets); the table says whether it is met. */
  public record Target(String op, double bound) {
    public static Target atLeast(double bound) {
      return new Target(">=", bound);
    }

    public static Target atMost(double bound) {
      return new Target("<=", bound);
    }

    boolean met(double value) {
      return op.equals(">=") ? value >= bound : value <= bound;
    }
  }

  /** One line of the table; {@code value} is null when there is nothing to show yet. */
  public record Figure(String section, String key, Double value, String unit, Stats stats, Latency latency,
      Target target, String note) {}

  private final List<Figure> figures = new ArrayList<>();
  private final Map<String, Object> meta = new LinkedHashMap<>();
  private String section = "";

  public void meta(String key, Object value) {
    meta.put(key, value);
  }

  public void section(String title) {
    section = title;
  }

  public Stats measured(String key, Stats s, String unit, String note) {
    figures.add(new Figure(section, key, s.median(), unit, s, null, null, note));
    return s;
  }

  public Latency latency(String key, Latency l, Target target, String note) {
    figures.add(new Figure(section, key, l.p99(), "ms", null, l, target, note));
    return l;
  }

  public double ratio(String key, double value, Target target, String note) {
    figures.add(new Figure(section, key, value, "x", null, null, target, note));
    return value;
  }

  /** A ratio measured round by round (each round's two figures under the same load): its spread too. */
  public Stats ratio(String key, Stats s, Target target, String note) {
    figures.add(new Figure(section, key, s.median(), "x", s, null, target, note));
    return s;
  }

  public void notYet(String key, int issue, String what) {
    figures.add(new Figure(section, key, null, "", null, null, null, "not yet: needs issue " + issue + " (" + what + ")"));
  }

  public void skipped(String key, String why) {
    figures.add(new Figure(section, key, null, "", null, null, null, "skipped: " + why));
  }

  public List<Figure> figures() {
    return List.copyOf(figures);
  }

  public Optional<Figure> figure(String key) {
    return figures.stream().filter(f -> f.key().equals(key)).findFirst();
  }

  public double value(String key) {
    return figure(key).map(Figure::value).orElseThrow(() -> new IllegalStateException("no figure " + key));
  }

  // ---------------------------------------------------------------------------------------------- table

  public void print(PrintStream out) {
    out.println();
    meta.forEach((k, v) -> out.println("# " + k + ": " + v));
    String current = null;
    for (Figure f : figures) {
      if (!f.section().equals(current)) {
        current = f.section();
        out.println();
        out.println("== " + current);
        out.printf(Locale.ROOT, "%-34s %12s %10s %10s  %-6s %s%n", "", "median|p99", "min|p50", "max", "unit",
            "target, note");
      }
      out.println(line(f));
    }
    out.println();
  }

  private static String line(Figure f) {
    if (f.value() == null) {
      return String.format(Locale.ROOT, "%-34s %12s %10s %10s  %-6s %s", f.key(), "-", "", "", "", f.note());
    }
    String lo = "";
    String hi = "";
    if (f.stats() != null && f.stats().n() > 1) {
      lo = num(f.stats().min());
      hi = num(f.stats().max());
    } else if (f.latency() != null) {
      lo = num(f.latency().p50());
      hi = num(f.latency().max());
    }
    String verdict = f.target() == null ? "" : String.format(Locale.ROOT, "target %s %s: %s  ", f.target().op(),
        num(f.target().bound()), f.target().met(f.value()) ? "met" : "MISSED");
    return String.format(Locale.ROOT, "%-34s %12s %10s %10s  %-6s %s%s", f.key(), num(f.value()), lo, hi, f.unit(),
        verdict, f.note() == null ? "" : f.note()).stripTrailing();
  }

  static String num(double v) {
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }

  // ----------------------------------------------------------------------------------------------- json

  public void writeJson(Path file) throws IOException {
    Json j = new Json();
    j.open('{');
    j.key("meta").open('{');
    meta.forEach((k, v) -> j.key(k).value(v));
    j.close('}');
    j.key("figures").open('{');
    for (Figure f : figures) {
      j.key(f.key()).open('{');
      j.key("section").value(f.section());
      j.key("value").value(f.value());
      j.key("unit").value(f.unit());
      if (f.stats() != null) {
        j.key("min").value(f.stats().min()).key("median").value(f.stats().median()).key("max").value(f.stats().max())
            .key("runs").value(f.stats().n());
      }
      if (f.latency() != null) {
        j.key("p50").value(f.latency().p50()).key("p99").value(f.latency().p99()).key("max").value(f.latency().max())
            .key("samples").value(f.latency().n());
      }
      if (f.target() != null) {
        j.key("target").value(f.target().op() + " " + f.target().bound()).key("met")
            .value(f.target().met(f.value()));
      }
      j.key("note").value(f.note());
      j.close('}');
    }
    j.close('}');
    j.close('}');
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, j.text() + "\n", StandardCharsets.UTF_8);
  }

  /** Just enough JSON writing for flat figures; no library needed. */
  private static final class Json {
    private final StringBuilder sb = new StringBuilder();
    private boolean first = true;
    private int depth;

    Json open(char c) {
      sb.append(c);
      depth++;
      first = true;
      return this;
    }

    Json close(char c) {
      depth--;
      sb.append('\n').append("  ".repeat(depth)).append(c);
      first = false;
      return this;
    }

    Json key(String k) {
      if (!first) {
        sb.append(',');
      }
      sb.append('\n').append("  ".repeat(depth));
      string(k);
      sb.append(": ");
      first = false;
      return this;
    }

    Json value(Object v) {
      if (v == null) {
        sb.append("null");
      } else if (v instanceof Double d) {
        sb.append(d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.6g", d));
      } else if (v instanceof Number || v instanceof Boolean) {
        sb.append(v);
      } else {
        string(v.toString());
      }
      return this;
    }

    private void string(String s) {
      sb.append('"');
      for (char c : s.toCharArray()) {
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          default -> {
            if (c < 0x20) {
              sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
              sb.append(c);
            }
          }
        }
      }
      sb.append('"');
    }

    String text() {
      return sb.toString();
    }
  }
}
