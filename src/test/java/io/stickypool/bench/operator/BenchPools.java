package io.stickypool.bench.operator;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.api.v1alpha1.StickyPool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The pools under test, in one namespace, as a user and the endpoints controller would leave them:
 * per pool i a Service {@code svc-i} with port {@code http}, its EndpointSlice with
 * {@link #ENDPOINTS} ready endpoints, and StickyPool {@code pool-i} shaped like
 * samples/pool-cookie.yaml. Endpoint addresses are made up in 10.244.0.0/16 (the API server refuses
 * loopback in a slice); no Pods exist and nothing dials those addresses.
 */
final class BenchPools {
  static final String NAMESPACE = "bench";
  static final int ENDPOINTS = 4;
  private static final Path SAMPLE = Path.of("samples", "pool-cookie.yaml");
  /** The endpoint whose ready condition {@link #flip} toggles. */
  private static final int FLIPPED = ENDPOINTS - 1;

  private final KubernetesClient client;
  private final int count;
  private final boolean[] flipped;

  BenchPools(KubernetesClient client, int count) {
    this.client = client;
    this.count = count;
    this.flipped = new boolean[count];
  }

  int count() {
    return count;
  }

  static String pool(int i) {
    return "pool-" + i;
  }

  /** Creates everything, at most {@code perSecond} pools a second so the API server keeps up. */
  void createAll(int perSecond) throws IOException, InterruptedException {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
        .build()).create();
    StickyPool sample;
    try (InputStream in = Files.newInputStream(SAMPLE)) {
      sample = client.getKubernetesSerialization().unmarshal(in, StickyPool.class);
    }
    Pace pace = new Pace(perSecond);
    for (int i = 0; i < count; i++) {
      createService(i);
      client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).resource(slice(i, false)).create();
      createPool(sample, i);
      pace.after(i + 1);
      if ((i + 1) % 100 == 0 || i + 1 == count) {
        System.out.printf("  created %d/%d pools (Service, EndpointSlice, StickyPool) in %.1f s%n", i + 1, count,
            pace.seconds());
      }
    }
  }

  /**
   * Toggles the ready condition of one endpoint of pool {@code i}'s slice, as the endpoints
   * controller does when a pod's readiness changes: one write, a full update of the slice.
   */
  void flip(int i) {
    flipped[i] = !flipped[i];
    client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).resource(slice(i, flipped[i])).update();
  }

  private void createService(int i) {
    client.services().inNamespace(NAMESPACE).resource(new ServiceBuilder()
        .withNewMetadata().withName(service(i)).endMetadata()
        .withNewSpec().addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString(8080)).endPort()
        .endSpec().build()).create();
  }

  private void createPool(StickyPool sample, int i) {
    StickyPool pool = client.getKubernetesSerialization().clone(sample);
    pool.getMetadata().setName(pool(i));
    pool.getMetadata().setNamespace(NAMESPACE);
    pool.getSpec().getBackend().setService(service(i));
    client.resources(StickyPool.class).inNamespace(NAMESPACE).resource(pool).create();
  }

  private EndpointSlice slice(int i, boolean oneNotReady) {
    List<Endpoint> endpoints = IntStream.range(0, ENDPOINTS).mapToObj(k -> {
      boolean ready = !(oneNotReady && k == FLIPPED);
      return new EndpointBuilder().withAddresses(address(i * ENDPOINTS + k))
          .withNewConditions().withReady(ready).withServing(ready).withTerminating(false).endConditions()
          .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withNamespace(NAMESPACE)
              .withName(service(i) + "-" + k).build())
          .build();
    }).toList();
    return new EndpointSliceBuilder().withNewMetadata().withName(service(i) + "-abc").withNamespace(NAMESPACE)
        .addToLabels("kubernetes.io/service-name", service(i)).endMetadata()
        .withAddressType("IPv4").withEndpoints(endpoints)
        .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
        .build();
  }

  private static String service(int i) {
    return "svc-" + i;
  }

  /** A made-up address in 10.244.0.0/16 for endpoint number {@code n} (never .0 or .255). */
  private static String address(int n) {
    return "10.244." + (1 + n / 250) + "." + (1 + n % 250);
  }
}
