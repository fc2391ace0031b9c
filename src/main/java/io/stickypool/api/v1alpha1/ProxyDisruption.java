package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;

/**
 * The proxy Deployment's PodDisruptionBudget: how many proxy pods a node drain (or any eviction)
 * may take at once. One of the two, as in a PodDisruptionBudget; neither means maxUnavailable 1.
 */
@ValidationRule(value = "!(has(self.maxUnavailable) && has(self.minAvailable))",
    message = "set maxUnavailable or minAvailable, not both")
@ValidationRule(value = "!has(self.maxUnavailable) || (type(self.maxUnavailable) == int"
    + " ? self.maxUnavailable >= 0 : self.maxUnavailable.matches('^[0-9]+%$'))",
    message = "maxUnavailable must be a number >= 0 or a percentage such as 25%")
@ValidationRule(value = "!has(self.minAvailable) || (type(self.minAvailable) == int"
    + " ? self.minAvailable >= 0 : self.minAvailable.matches('^[0-9]+%$'))",
    message = "minAvailable must be a number >= 0 or a percentage such as 50%")
public class ProxyDisruption {
  @JsonPropertyDescription("At most this many proxy pods (a number, or a percentage of the replicas"
      + " rounded up) may be evicted at once. Default 1 when minAvailable is unset: a drain waits for"
      + " each evicted proxy's replacement to be ready before it evicts the next.")
  private IntOrString maxUnavailable;

  @JsonPropertyDescription("At least this many proxy pods (a number, or a percentage of the replicas"
      + " rounded up) must stay ready through evictions. Note that a value equal to the replicas"
      + " blocks every drain of a node running a proxy until the pool is scaled up; the pool's"
      + " ProxyDisruptionTolerant condition says so.")
  private IntOrString minAvailable;

  public IntOrString getMaxUnavailable() { return maxUnavailable; }
  public void setMaxUnavailable(IntOrString maxUnavailable) { this.maxUnavailable = maxUnavailable; }
  public IntOrString getMinAvailable() { return minAvailable; }
  public void setMinAvailable(IntOrString minAvailable) { this.minAvailable = minAvailable; }
}
