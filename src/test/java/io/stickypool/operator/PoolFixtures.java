package io.stickypool.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.api.v1alpha1.StickyPool;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A Service "web" with one ready pod and a cookie pool on it, in any namespace of the CRUD mock. */
final class PoolFixtures {
  static final String IMAGE = "ghcr.io/stickypool/stickypool:0.1.0";

  private final KubernetesClient client;

  PoolFixtures(KubernetesClient client) {
    this.client = client;
  }

  void installCrd() {
    var crd = client.getKubernetesSerialization().unmarshal(PoolFixtures.class.getResourceAsStream(
        "/META-INF/fabric8/stickypools.stickypool.io-v1.yml"), CustomResourceDefinition.class);
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
  }

  /** Service web, its slice with pod web-0, and pool {@code name} selecting it. */
  void createPool(String ns, String name) {
    if (client.services().inNamespace(ns).withName("web").get() == null) {
      client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("web")
          .endMetadata().withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec()
          .build()).create();
      client.discovery().v1().endpointSlices().inNamespace(ns).resource(new EndpointSliceBuilder()
          .withNewMetadata().withName("web-abc").addToLabels("kubernetes.io/service-name", "web").endMetadata()
          .withAddressType("IPv4")
          .addNewEndpoint().withAddresses("10.0.0.1").withNewConditions().withReady(true).withServing(true)
          .withTerminating(false).endConditions()
          .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withName("web-0").withNamespace(ns).build())
          .endEndpoint()
          .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
          .build()).create();
    }
    try (var in = new FileInputStream("samples/pool-cookie.yaml")) {
      StickyPool pool = client.getKubernetesSerialization().unmarshal(in, StickyPool.class);
      pool.getMetadata().setName(name);
      pool.getMetadata().setNamespace(ns);
      client.resources(StickyPool.class).inNamespace(ns).resource(pool).create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ConfigMap routes(String ns, String pool) {
    return client.configMaps().inNamespace(ns).withName(pool + "-routes").get();
  }

  StickyPool pool(String ns, String name) {
    return client.resources(StickyPool.class).inNamespace(ns).withName(name).get();
  }
}
