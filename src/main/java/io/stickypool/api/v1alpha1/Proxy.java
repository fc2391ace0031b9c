package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * How the operator runs the proxy. targetRef belongs to Sidecar mode and only to it. The rules
 * guard {@code mode} with {@code has()} (it is defaulted): see {@link Affinity} for why.
 */
@ValidationRule(value = "!has(self.mode) || self.mode != 'Sidecar' || has(self.targetRef)",
    message = "targetRef must be set when mode is Sidecar")
@ValidationRule(value = "!has(self.targetRef) || (has(self.mode) && self.mode == 'Sidecar')",
    message = "targetRef may be set only when mode is Sidecar")
@ValidationRule(value = "!has(self.podTemplate) || !has(self.mode) || self.mode != 'Sidecar'",
    message = "podTemplate applies to the proxy Deployment; in Sidecar mode the target's pod template decides")
@ValidationRule(value = "!has(self.disruption) || !has(self.mode) || self.mode != 'Sidecar'",
    message = "disruption applies to the proxy Deployment; in Sidecar mode the target's owner decides its PodDisruptionBudget")
public class Proxy {
  @Default("Deployment")
  @JsonPropertyDescription("Deployment (a proxy Deployment and Service) or Sidecar (injected"
      + " into targetRef).")
  @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
  private ProxyMode mode;

  @Min(0)
  @JsonPropertyDescription("Proxy replicas in Deployment mode; replicas agree on placement"
      + " without sharing state. Unset: the proxy Deployment starts with 2 and its replicas are"
      + " left to whoever scales it (kubectl scale, a HorizontalPodAutoscaler); set: the operator"
      + " keeps them at this value.")
  private Integer replicas;

  @Default("8080")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Port the proxy listens on and its Service exposes.")
  private Integer port;

  @Default("ClusterIP")
  @JsonPropertyDescription("Type of the proxy's Service: ClusterIP, NodePort or LoadBalancer.")
  @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
  private ServiceType serviceType;

  @JsonPropertyDescription("Proxy image; unset means the image the operator was released with.")
  private String image;

  @JsonPropertyDescription("Compute resources of the proxy container.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("The workload that receives the proxy; required in Sidecar mode.")
  private TargetRef targetRef;

  @JsonPropertyDescription("Deployment mode: scheduling and metadata of the proxy pods (nodeSelector,"
      + " tolerations, affinity, topologySpreadConstraints, priorityClassName, labels, annotations,"
      + " imagePullSecrets, securityContext). Not in Sidecar mode, where the target's own pod"
      + " template decides.")
  private ProxyPodTemplate podTemplate;

  @JsonPropertyDescription("Deployment mode: the PodDisruptionBudget the pool keeps for its proxy"
      + " pods (maxUnavailable 1 when unset), so that a node drain never takes every proxy at once."
      + " Not in Sidecar mode: the target's owner decides the PodDisruptionBudget of its pods.")
  private ProxyDisruption disruption;

  @JsonPropertyDescription("Terminate TLS at the proxy with the certificate of a kubernetes.io/tls"
      + " Secret; unset: plain HTTP. The affinity cookie gets Secure on TLS connections.")
  private ProxyTls tls;

  public ProxyMode getMode() { return mode; }
  public void setMode(ProxyMode mode) { this.mode = mode; }
  public Integer getReplicas() { return replicas; }
  public void setReplicas(Integer replicas) { this.replicas = replicas; }
  public Integer getPort() { return port; }
  public void setPort(Integer port) { this.port = port; }
  public ServiceType getServiceType() { return serviceType; }
  public void setServiceType(ServiceType serviceType) { this.serviceType = serviceType; }
  public String getImage() { return image; }
  public void setImage(String image) { this.image = image; }
  public ResourceRequirements getResources() { return resources; }
  public void setResources(ResourceRequirements resources) { this.resources = resources; }
  public TargetRef getTargetRef() { return targetRef; }
  public void setTargetRef(TargetRef targetRef) { this.targetRef = targetRef; }
  public ProxyPodTemplate getPodTemplate() { return podTemplate; }
  public void setPodTemplate(ProxyPodTemplate podTemplate) { this.podTemplate = podTemplate; }
  public ProxyDisruption getDisruption() { return disruption; }
  public void setDisruption(ProxyDisruption disruption) { this.disruption = disruption; }
  public ProxyTls getTls() { return tls; }
  public void setTls(ProxyTls tls) { this.tls = tls; }
}
