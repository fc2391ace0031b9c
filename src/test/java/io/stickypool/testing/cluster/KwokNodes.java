package io.stickypool.testing.cluster;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Extra KWOK nodes for one test, beside the control plane's own {@code kwok-node-0}: created
 * Ready and schedulable (the node lifecycle controller is off, so the not-ready taint the API
 * server puts on a new node is lifted here, as it would), deleted by {@link #deleteAll}. Give them
 * a label only this test's pods select, so no other test's pods land on them.
 */
public final class KwokNodes {
  private final KubernetesClient admin;
  private final List<String> created = new ArrayList<>();

  public KwokNodes(KubernetesClient admin) {
    this.admin = admin;
  }

  public void create(String name, Map<String, String> labels) {
    admin.nodes().resource(new NodeBuilder()
        .withNewMetadata().withName(name)
        .addToAnnotations("kwok.x-k8s.io/node", "fake")
        .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
        .addToLabels("kubernetes.io/hostname", name)
        .addToLabels("kubernetes.io/os", "linux")
        .addToLabels("type", "kwok")
        .addToLabels(labels)
        .endMetadata()
        .build()).create();
    created.add(name);
    await().atMost(Duration.ofSeconds(60)).until(() -> admin.nodes().withName(name).get().getStatus()
        .getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())));
    admin.nodes().withName(name).edit(node -> {
      if (node.getSpec().getTaints() != null) {
        node.getSpec().getTaints().removeIf(t -> "node.kubernetes.io/not-ready".equals(t.getKey()));
      }
      return node;
    });
  }

  public void deleteAll() {
    created.forEach(name -> admin.nodes().withName(name).delete());
    created.clear();
  }
}
