package io.stickypool.operator.apply;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

/**
 * The proxy Deployment's replica count when the pool sets none: given once, at creation, apart
 * from the rest of the object ({@link OwnedObjectWriter#write(io.fabric8.kubernetes.api.model.HasMetadata,
 * io.fabric8.kubernetes.api.model.HasMetadata, io.javaoperatorsdk.operator.processing.event.source.informer.ManagedInformerEventSource)}).
 */
public final class InitialReplicas {
  private InitialReplicas() {}

  /**
   * Takes the count out of {@code proxy} (the operator's applies then never carry it) and returns
   * the object that sets only it.
   */
  public static Deployment split(Deployment proxy) {
    Integer replicas = proxy.getSpec().getReplicas();
    proxy.getSpec().setReplicas(null);
    return new DeploymentBuilder().withNewMetadata().withName(proxy.getMetadata().getName())
        .withNamespace(proxy.getMetadata().getNamespace()).endMetadata()
        .withNewSpec().withReplicas(replicas).endSpec().build();
  }
}
