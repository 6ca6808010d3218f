package dev.padlock.ca;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them: {@code 90s}, {@code 15m}, {@code 12h}, {@code 30d}, {@code 1y} (365 days). */
public final class DurationText {
  private static final Pattern FORM = Pattern.compile("(\\d{1,9})\\s*([smhdwy])");

  private DurationText() {}

  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    Matcher m = FORM.matcher(t);
    if (!m.matches()) {
      throw new PadlockException(ErrorCode.INVALID_DURATION,
          "'" + text + "' is not a duration: write a number and a unit, e.g. 90s, 15m, 12h, 30d, 1y");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      case "w" -> Duration.ofDays(7 * n);
      default -> Duration.ofDays(365 * n);
    };
    if (d.isZero()) {
      throw new PadlockException(ErrorCode.INVALID_DURATION, "duration '" + text + "' must be longer than zero");
    }
    return d;
  }

  /** The shortest exact text for {@code d}, e.g. {@code 30d}, {@code 36h}. */
  public static String format(Duration d) {
    long s = d.getSeconds();
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s % 3_600 == 0) {
      return s / 3_600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  /** A rough human reading, e.g. {@code 29 days 23 hours}, for "time left". */
  public static String humanize(Duration d) {
    boolean negative = d.isNegative();
    Duration a = d.abs();
    long days = a.toDays();
    long hours = a.toHoursPart();
    long minutes = a.toMinutesPart();
    String text;
    if (days > 0) {
      text = days + (days == 1 ? " day" : " days") + (hours > 0 ? " " + hours + (hours == 1 ? " hour" : " hours") : "");
    } else if (hours > 0) {
      text = hours + (hours == 1 ? " hour" : " hours") + (minutes > 0 ? " " + minutes + " min" : "");
    } else if (minutes > 0) {
      text = minutes + " min";
    } else {
      text = a.toSecondsPart() + " s";
    }
    return negative ? text + " ago" : text;
  }
}
