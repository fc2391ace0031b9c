package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Proxy replica counts, copied from the proxy Deployment's status. */
public class ProxyReplicas {
  @JsonPropertyDescription("Proxy replicas that pass readiness.")
  private Integer ready;

  @JsonPropertyDescription("Proxy replicas asked for.")
  private Integer desired;

  public Integer getReady() { return ready; }
  public void setReady(Integer ready) { this.ready = ready; }
  public Integer getDesired() { return desired; }
  public void setDesired(Integer desired) { this.desired = desired; }
}
