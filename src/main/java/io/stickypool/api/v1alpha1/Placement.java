package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Placement of new sessions: consistent hashing with bounded loads. */
public class Placement {
  @Default("1.25")
  @Min(1.0)
  @Max(10.0)
  @JsonPropertyDescription("A backend takes no new session while it holds more than this factor"
      + " times the mean sessions per backend (1.0 = perfectly even, more = fewer moves).")
  private Double boundedLoadFactor;

  public Double getBoundedLoadFactor() { return boundedLoadFactor; }
  public void setBoundedLoadFactor(Double boundedLoadFactor) { this.boundedLoadFactor = boundedLoadFactor; }
}
