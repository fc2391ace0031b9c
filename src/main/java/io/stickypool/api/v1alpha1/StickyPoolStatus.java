package io.stickypool.api.v1alpha1;

import io.stickypool.operator.status.Conditions;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * Observed state. Conditions use the types in {@link ConditionTypes} and reasons in {@link
 * ConditionReasons}; backendCount and sessions exist as scalars so kubectl can print them.
 */
public class StickyPoolStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Ready, BackendsResolved, ProxyAvailable, DrainFitsGracePeriod and, in"
      + " Sidecar mode, SidecarInjected; each True, False or Unknown.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Every backend the proxy knows, including draining ones.")
  private List<BackendStatus> backends = new ArrayList<>();

  @PrinterColumn(name = "Backends", priority = 0)
  @JsonPropertyDescription("Number of backends in the Active state.")
  private Integer backendCount;

  @PrinterColumn(name = "Sessions", priority = 0)
  @JsonPropertyDescription("Live sessions over all backends, as last reported by the proxies: the"
      + " sum of each backend's distinct sessions over every replica that answered (see"
      + " sessionsReportedBy). Absent when no proxy answered.")
  private Long sessions;

  @JsonPropertyDescription("How many proxy replicas the session figures come from, as answered/asked"
      + " (e.g. 2/2). Fewer answers make the figures a lower bound, which never ends a drain early;"
      + " 0/0 means no proxy was ready to ask and the figures are unknown.")
  private String sessionsReportedBy;

  @JsonPropertyDescription("RFC 3339 time since which the session figures are as shown: the"
      + " proxies are asked every session refresh, and this moves when a figure changes.")
  private String sessionsObservedAt;

  @JsonPropertyDescription("Ready and desired proxy replicas.")
  private ProxyReplicas proxyReplicas;

  @JsonPropertyDescription("Sidecar mode only: the target workload and its rollout of the sidecar.")
  private SidecarStatus sidecar;

  @JsonPropertyDescription("Version of the routes snapshot last published to the proxies.")
  private Long snapshotVersion;

  public SidecarStatus getSidecar() { return sidecar; }
  public void setSidecar(SidecarStatus sidecar) { this.sidecar = sidecar; }
  public Long getObservedGeneration() { return observedGeneration; }
  public void setObservedGeneration(Long v) { this.observedGeneration = v; }
  public List<Condition> getConditions() { return conditions; }
  public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
  public List<BackendStatus> getBackends() { return backends; }
  public void setBackends(List<BackendStatus> backends) { this.backends = backends; }
  public Integer getBackendCount() { return backendCount; }
  public void setBackendCount(Integer backendCount) { this.backendCount = backendCount; }
  public Long getSessions() { return sessions; }
  public void setSessions(Long sessions) { this.sessions = sessions; }
  public String getSessionsReportedBy() { return sessionsReportedBy; }
  public void setSessionsReportedBy(String v) { this.sessionsReportedBy = v; }
  public String getSessionsObservedAt() { return sessionsObservedAt; }
  public void setSessionsObservedAt(String v) { this.sessionsObservedAt = v; }
  public ProxyReplicas getProxyReplicas() { return proxyReplicas; }
  public void setProxyReplicas(ProxyReplicas proxyReplicas) { this.proxyReplicas = proxyReplicas; }
  public Long getSnapshotVersion() { return snapshotVersion; }
  public void setSnapshotVersion(Long snapshotVersion) { this.snapshotVersion = snapshotVersion; }
}
