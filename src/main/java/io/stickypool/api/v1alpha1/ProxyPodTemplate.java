package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.List;
import java.util.Map;

/**
 * What a user sets on the proxy Deployment's pods, with the field names of a pod template. The
 * operator applies them by server-side apply; its own labels, container and restricted security
 * settings stay as they are.
 */
@ValidationRule(value = "!has(self.labels) || self.labels.all(k, !(k in ['app.kubernetes.io/name',"
    + " 'app.kubernetes.io/instance', 'app.kubernetes.io/managed-by', 'stickypool.io/pool']))",
    message = "labels may not set app.kubernetes.io/name, app.kubernetes.io/instance,"
        + " app.kubernetes.io/managed-by or stickypool.io/pool: the operator selects its proxy pods by them")
public class ProxyPodTemplate {
  @JsonPropertyDescription("Labels added to the proxy pods, beside the operator's own (which they"
      + " may not set).")
  private Map<String, String> labels;

  @JsonPropertyDescription("Annotations added to the proxy pods (a change rolls them).")
  private Map<String, String> annotations;

  @JsonPropertyDescription("The proxy pods run only on nodes with these labels.")
  private Map<String, String> nodeSelector;

  @JsonPropertyDescription("Taints the proxy pods tolerate.")
  private List<Toleration> tolerations;

  @JsonPropertyDescription("Node affinity and pod (anti-)affinity of the proxy pods. Unset: a"
      + " preferred podAntiAffinity on topology.kubernetes.io/zone, so that proxy pods prefer zones"
      + " with fewer of them where nodes carry zone labels; set: replaces it.")
  private io.fabric8.kubernetes.api.model.Affinity affinity;

  @JsonPropertyDescription("How the proxy pods spread over the topology. Unset: at most one more"
      + " proxy pod per node (kubernetes.io/hostname) than on any other, as a preference"
      + " (ScheduleAnyway), so a one-node cluster still runs every replica (zones: see affinity). Set:"
      + " replaces that default ([] spreads nothing); a constraint without a labelSelector selects"
      + " the pool's proxy pods. Note that kube-scheduler scores spread constraints only on nodes"
      + " that carry every one of their topologyKeys.")
  private List<TopologySpreadConstraint> topologySpreadConstraints;

  @Size(max = 253)
  @JsonPropertyDescription("PriorityClass of the proxy pods, e.g. so that they preempt batch work"
      + " rather than wait behind it.")
  private String priorityClassName;

  @JsonPropertyDescription("Secrets to pull spec.proxy.image from a private registry.")
  private List<LocalObjectReference> imagePullSecrets;

  @JsonPropertyDescription("The pod's securityContext, within the restricted Pod Security profile.")
  private ProxyPodSecurityContext securityContext;

  public Map<String, String> getLabels() { return labels; }
  public void setLabels(Map<String, String> labels) { this.labels = labels; }
  public Map<String, String> getAnnotations() { return annotations; }
  public void setAnnotations(Map<String, String> annotations) { this.annotations = annotations; }
  public Map<String, String> getNodeSelector() { return nodeSelector; }
  public void setNodeSelector(Map<String, String> nodeSelector) { this.nodeSelector = nodeSelector; }
  public List<Toleration> getTolerations() { return tolerations; }
  public void setTolerations(List<Toleration> tolerations) { this.tolerations = tolerations; }
  public io.fabric8.kubernetes.api.model.Affinity getAffinity() { return affinity; }
  public void setAffinity(io.fabric8.kubernetes.api.model.Affinity affinity) { this.affinity = affinity; }
  public List<TopologySpreadConstraint> getTopologySpreadConstraints() { return topologySpreadConstraints; }
  public void setTopologySpreadConstraints(List<TopologySpreadConstraint> c) { this.topologySpreadConstraints = c; }
  public String getPriorityClassName() { return priorityClassName; }
  public void setPriorityClassName(String priorityClassName) { this.priorityClassName = priorityClassName; }
  public List<LocalObjectReference> getImagePullSecrets() { return imagePullSecrets; }
  public void setImagePullSecrets(List<LocalObjectReference> imagePullSecrets) { this.imagePullSecrets = imagePullSecrets; }
  public ProxyPodSecurityContext getSecurityContext() { return securityContext; }
  public void setSecurityContext(ProxyPodSecurityContext securityContext) { this.securityContext = securityContext; }
}
