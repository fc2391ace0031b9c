package io.stickypool.contract;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Gateway API writes them (GEP-2257): one to four components of one to five decimal
 * digits and a unit {@code h}, {@code m}, {@code s} or {@code ms}, such as {@code 1h}, {@code 300s}
 * or {@code 1h30m}. That is the subset of Go's {@code time.ParseDuration} without signs, fractions
 * and sub-millisecond units, so Go, Kubernetes CEL and this class read every such string alike.
 *
 * <p>{@link #format} writes the canonical form: each unit at most once, largest first, zero units
 * left out, {@code 0s} for zero; 90 minutes is {@code 1h30m}. Stateless and thread-safe.
 */
public final class GoDurations {
  private static final Pattern SHAPE = Pattern.compile("([0-9]{1,5}(h|ms|m|s)){1,4}");
  private static final Pattern COMPONENT = Pattern.compile("([0-9]{1,5})(h|ms|m|s)");
  private static final long MAX_HOURS = 99_999;

  private GoDurations() {}

  /**
   * Reads a GEP-2257 duration. As in Go, components add up, so {@code 90m} and {@code 1h30m} are
   * equal; units may repeat ({@code 1m1m} is two minutes), though nobody should write that.
   *
   * @throws IllegalArgumentException if {@code text} is not a GEP-2257 duration; the message says
   *     what is accepted
   */
  public static Duration parse(String text) {
    Objects.requireNonNull(text, "duration");
    if (!SHAPE.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration: expected 1 to 4 parts of up to 5 digits, each followed"
              + " by h, m, s or ms, such as 1h30m, 300s or 500ms");
    }
    Duration total = Duration.ZERO;
    Matcher part = COMPONENT.matcher(text);
    while (part.find()) {
      long value = Long.parseLong(part.group(1));
      total = total.plus(unitOf(part.group(2)).multipliedBy(value));
    }
    return total;
  }

  /**
   * Writes the canonical form.
   *
   * @throws IllegalArgumentException if the duration is negative, has a part finer than a
   *     millisecond, or exceeds 99999h59m59s999ms: GEP-2257 cannot express those
   */
  public static String format(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("negative duration " + duration + " has no GEP-2257 form");
    }
    if (duration.getNano() % 1_000_000 != 0) {
      throw new IllegalArgumentException(
          "duration " + duration + " is finer than a millisecond, which GEP-2257 cannot express");
    }
    if (duration.toHours() > MAX_HOURS) {
      throw new IllegalArgumentException("duration " + duration + " is longer than " + MAX_HOURS + "h");
    }
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    append(out, duration.toHours(), "h");
    append(out, duration.toMinutesPart(), "m");
    append(out, duration.toSecondsPart(), "s");
    append(out, duration.toMillisPart(), "ms");
    return out.toString();
  }

  private static void append(StringBuilder out, long value, String unit) {
    if (value != 0) {
      out.append(value).append(unit);
    }
  }

  private static Duration unitOf(String unit) {
    switch (unit) {
      case "h":
        return Duration.ofHours(1);
      case "m":
        return Duration.ofMinutes(1);
      case "s":
        return Duration.ofSeconds(1);
      default:
        return Duration.ofMillis(1);
    }
  }
}
