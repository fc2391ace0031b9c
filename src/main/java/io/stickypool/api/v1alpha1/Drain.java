package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** How a terminating backend keeps its bound sessions until they end or time out. */
public class Drain {
  @Default("300s")
  @ValidationRule(value = Durations.POSITIVE, message = "drainTimeout must be longer than 0s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("Longest time a terminating backend keeps its sessions; after it they"
      + " are placed again.")
  private String drainTimeout;

  @Default("60s")
  @ValidationRule(value = Durations.POSITIVE, message = "idleSessionThreshold must be longer than 0s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("A session idle this long no longer holds its draining backend.")
  private String idleSessionThreshold;

  @Default("false")
  @JsonPropertyDescription("Annotate pods with controller.kubernetes.io/pod-deletion-cost from"
      + " their session count, so a scale-down removes the emptiest pods first.")
  private Boolean podDeletionCost;

  public String getDrainTimeout() { return drainTimeout; }
  public void setDrainTimeout(String drainTimeout) { this.drainTimeout = drainTimeout; }
  public String getIdleSessionThreshold() { return idleSessionThreshold; }
  public void setIdleSessionThreshold(String v) { this.idleSessionThreshold = v; }
  public Boolean getPodDeletionCost() { return podDeletionCost; }
  public void setPodDeletionCost(Boolean podDeletionCost) { this.podDeletionCost = podDeletionCost; }
}
