package io.stickypool.core.snapshot;

/**
 * How new sessions and keys are spread.
 *
 * @param boundedLoadFactor no backend takes a new session or key while its live sessions exceed
 *     this multiple of the weighted mean (1.25 means at most 25% above the mean); 1.0..10.0
 */
public record PlacementSettings(double boundedLoadFactor) {
  public static final double DEFAULT_BOUNDED_LOAD_FACTOR = 1.25;

  public PlacementSettings {
    if (!(boundedLoadFactor >= 1.0 && boundedLoadFactor <= 10.0)) {
      throw new IllegalArgumentException(
          "boundedLoadFactor " + boundedLoadFactor + " is not within 1.0..10.0");
    }
  }

  public static PlacementSettings defaults() {
    return new PlacementSettings(DEFAULT_BOUNDED_LOAD_FACTOR);
  }
}
