package io.stickypool.api.v1alpha1;

/** Schema patterns shared by several fields; annotations need compile-time constants. */
final class Durations {
  /** Go-style durations as Gateway API writes them: "30m", "1h30m", "500ms". */
  static final String PATTERN = "^([0-9]{1,5}(h|m|s|ms)){1,4}$";
  /**
   * A duration that must not be zero ("0s", "0h0m" match the pattern): a zero drain or timeout
   * would fail every reconcile instead of being refused here. Guarded by the pattern, so a value
   * that is no duration at all gets the pattern's message and no CEL evaluation error.
   */
  static final String POSITIVE = "!self.matches('" + PATTERN + "') || duration(self) > duration('0s')";

  private Durations() {}
}
