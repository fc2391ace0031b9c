package io.stickypool.demo;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Simulator: writes a Pod of a Deployment as its ReplicaSet would create it and the kubelet would
 * report it once started: the template's labels and spec, Running, Ready, on loopback.
 */
final class ReadyPods {
  private ReadyPods() {}

  static Pod create(KubernetesClient client, String namespace, Deployment d, String name) {
    Pod pod = client.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name)
        .withNamespace(namespace).withLabels(d.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
        .withSpec(d.getSpec().getTemplate().getSpec()).build()).create();
    pod.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("127.0.0.1")
        .addNewCondition().withType("Ready").withStatus("True").endCondition().build());
    return client.pods().inNamespace(namespace).resource(pod).updateStatus();
  }
}
