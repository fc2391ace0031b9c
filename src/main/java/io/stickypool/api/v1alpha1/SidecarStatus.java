package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where the proxy sidecar went and how far the target's rollout of it has come. */
public class SidecarStatus {
  @JsonPropertyDescription("The workload that carries the sidecar, as Kind/name.")
  private String target;

  @JsonPropertyDescription("The pool generation the injection on the target was made for.")
  private Long injectedGeneration;

  @JsonPropertyDescription("True when the sidecar is a native sidecar (an init container with"
      + " restartPolicy Always), false when it is a regular container.")
  private Boolean nativeSidecar;

  @JsonPropertyDescription("Pods the target asks for.")
  private Integer replicas;

  @JsonPropertyDescription("Pods that run the target's current template, so the current sidecar.")
  private Integer updatedReplicas;

  @JsonPropertyDescription("Pods of the target that pass readiness.")
  private Integer readyReplicas;

  public String getTarget() { return target; }
  public void setTarget(String target) { this.target = target; }
  public Long getInjectedGeneration() { return injectedGeneration; }
  public void setInjectedGeneration(Long v) { this.injectedGeneration = v; }
  public Boolean getNativeSidecar() { return nativeSidecar; }
  public void setNativeSidecar(Boolean v) { this.nativeSidecar = v; }
  public Integer getReplicas() { return replicas; }
  public void setReplicas(Integer replicas) { this.replicas = replicas; }
  public Integer getUpdatedReplicas() { return updatedReplicas; }
  public void setUpdatedReplicas(Integer v) { this.updatedReplicas = v; }
  public Integer getReadyReplicas() { return readyReplicas; }
  public void setReadyReplicas(Integer v) { this.readyReplicas = v; }
}
