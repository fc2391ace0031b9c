package io.stickypool.api.v1alpha1;

/** Schema patterns shared by several fields; annotations need compile-time constants. */
final class Durations {
  /** Go-style durations as Gateway API writes them: "30m", "1h30m", "500ms". */
  static final String PATTERN = "^([0-9]{1,5}(h|m|s|ms)){1,4}$";

  private Durations() {}
}
