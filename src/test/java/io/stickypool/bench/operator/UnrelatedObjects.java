package io.stickypool.bench.operator;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What else a cluster holds: per i a Service, its EndpointSlice (4 endpoints) and a Deployment with
 * an ordinary pod template, in namespace {@value #NAMESPACE}, none of them any pool's. Applied
 * server-side as kubectl would ({@code --server-side}), so they carry managedFields like objects in
 * a real cluster. No controller runs, so the Deployments make no pods.
 */
final class UnrelatedObjects {
  static final String NAMESPACE = "noise";
  private static final String MANAGER = "kubectl";

  private final KubernetesClient client;

  UnrelatedObjects(KubernetesClient client) {
    this.client = client;
  }

  void createAll(int count, int perSecond) throws InterruptedException {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
        .build()).create();
    Pace pace = new Pace(perSecond);
    for (int i = 0; i < count; i++) {
      String name = "app-" + i;
      client.resource(new ServiceBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE)
          .addToLabels("app", name).endMetadata()
          .withNewSpec().addToSelector("app", name).addNewPort().withName("http").withPort(80)
          .withTargetPort(new IntOrString(8080)).endPort().endSpec().build())
          .fieldManager(MANAGER).serverSideApply();
      var slice = new EndpointSliceBuilder().withNewMetadata().withName(name + "-xyz").withNamespace(NAMESPACE)
          .addToLabels("kubernetes.io/service-name", name).endMetadata().withAddressType("IPv4");
      for (int k = 0; k < 4; k++) {
        slice.addNewEndpoint().withAddresses("10.245." + (i / 60) + "." + (i % 60 * 4 + k))
            .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
            .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withNamespace(NAMESPACE)
                .withName(name + "-" + k).build())
            .endEndpoint();
      }
      client.resource(slice.addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort().build())
          .fieldManager(MANAGER).serverSideApply();
      client.resource(new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE)
          .addToLabels("app", name).endMetadata()
          .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", name).endSelector()
          .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
          .withNewSpec().addNewContainer().withName("app").withImage("registry.example.com/shop/" + name + ":1.4.2")
          .addNewPort().withName("http").withContainerPort(8080).endPort()
          .addNewEnv().withName("LOG_LEVEL").withValue("info").endEnv()
          .withNewReadinessProbe().withNewHttpGet().withPath("/ready").withPort(new IntOrString("http")).endHttpGet()
          .endReadinessProbe()
          .withNewResources().addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("100m"))
          .addToRequests("memory", new io.fabric8.kubernetes.api.model.Quantity("128Mi")).endResources()
          .endContainer().endSpec().endTemplate().endSpec().build())
          .fieldManager(MANAGER).serverSideApply();
      pace.after(i + 1);
      if ((i + 1) % 500 == 0 || i + 1 == count) {
        System.out.printf("  created %d/%d unrelated Service+EndpointSlice+Deployment in %.1f s%n", i + 1, count,
            pace.seconds());
      }
    }
  }
}
