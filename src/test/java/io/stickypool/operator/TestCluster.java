package io.stickypool.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.api.v1alpha1.StickyPool;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * What the operator tests do to the API server the way the real actors would, in one namespace:
 * the user creates Services and pools, the endpoints controller writes EndpointSlices (on the
 * API-server level, where no controller runs); plus readers for what the operator publishes
 * (routes ConfigMap, status, Events).
 */
final class TestCluster {
  static final String IMAGE = "ghcr.io/stickypool/stickypool:0.1.0";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final String ns;

  TestCluster(KubernetesClient client, String namespace) {
    this.client = client;
    this.ns = namespace;
  }

  String namespace() {
    return ns;
  }

  private static final java.util.concurrent.atomic.AtomicInteger NAMESPACES =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Creates a namespace of its own, named {@code base} plus a unique suffix (truncated to fit), for
   * a test that needs a clean namespace (same object names in every test) or several of them.
   * Delete it with {@link #deleteNamespace()}; on the API-server level it then stays Terminating.
   */
  static TestCluster inNewNamespace(KubernetesClient client, String base) {
    String clean = base.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "");
    String suffix = "-" + NAMESPACES.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
    String name = (clean.length() > 63 - suffix.length() ? clean.substring(0, 63 - suffix.length()) : clean) + suffix;
    client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
        .withNewMetadata().withName(name).endMetadata().build()).create();
    return new TestCluster(client, name);
  }

  void deleteNamespace() {
    client.namespaces().withName(ns).delete();
  }

  /**
   * The operator's settings for tests: only this namespace, so pools other classes left are not
   * ours; and no proxy pod is asked for sessions unless the test says where (adminTargets): on the
   * cluster level KWOK gives pods made-up 10.244.x.x IPs, which no test may send traffic to.
   */
  OperatorSettings.Builder operatorSettings() {
    return OperatorSettings.builder(IMAGE).namespaces(java.util.Set.of(ns))
        .adminTargets(pod -> Optional.empty());
  }

  KubernetesClient client() {
    return client;
  }

  /** Service {@code name} with port {@code http} 80 -> target port 8080. */
  Service createService(String name) {
    return client.services().inNamespace(ns).resource(new ServiceBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec().addNewPort().withName("http").withPort(80)
        .withTargetPort(new IntOrString(8080)).endPort().endSpec()
        .build()).create();
  }

  /**
   * Creates the pods {@code <service>-<i>} for i in [0, count) as their Deployment would, with
   * {@code terminationGracePeriodSeconds} {@code grace} (null: unset, so Kubernetes' 30).
   */
  void createBackendPods(String service, int count, Long grace) {
    for (int i = 0; i < count; i++) {
      client.pods().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.PodBuilder()
          .withNewMetadata().withName(service + "-" + i).addToLabels("app", service).endMetadata()
          .withNewSpec().withTerminationGracePeriodSeconds(grace)
          .addNewContainer().withName("app").withImage(service + ":1").endContainer().endSpec()
          .build()).create();
    }
  }

  /**
   * Creates {@code pod} and reports it Running and Ready at {@code ip}, as the scheduler and kubelet
   * would: the API server ignores the status of a create, so it is written to the status subresource.
   */
  io.fabric8.kubernetes.api.model.Pod createRunningPod(io.fabric8.kubernetes.api.model.Pod pod, String ip) {
    io.fabric8.kubernetes.api.model.Pod created = client.pods().inNamespace(ns).resource(pod).create();
    created.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running").withPodIP(ip)
        .addNewPodIP().withIp(ip).endPodIP()
        .addNewCondition().withType("Ready").withStatus("True").endCondition().build());
    return client.pods().inNamespace(ns).resource(created).updateStatus();
  }

  /** A Running, Ready proxy pod of {@code pool} at {@code ip}, labelled as the operator's Deployment labels them. */
  io.fabric8.kubernetes.api.model.Pod createProxyPod(String pool, String name, String ip) {
    return createRunningPod(new io.fabric8.kubernetes.api.model.PodBuilder()
        .withNewMetadata().withName(name)
        .addToLabels("app.kubernetes.io/name", "stickypool-proxy")
        .addToLabels("app.kubernetes.io/instance", pool)
        .addToLabels("app.kubernetes.io/managed-by", "stickypool-operator")
        .addToLabels("stickypool.io/pool", pool).endMetadata()
        .withNewSpec().addNewContainer().withName("proxy").withImage(IMAGE).endContainer().endSpec()
        .build(), ip);
  }

  /**
   * Writes slice {@code sliceName} of Service {@code service} with pods {@code <service>-<i>}
   * for i in [from, to), all ready, each then adjusted by {@code edit}.
   */
  EndpointSlice writeSlice(String service, String sliceName, int from, int to, int port,
      UnaryOperator<EndpointBuilder> edit) {
    List<Endpoint> eps = IntStream.range(from, to).mapToObj(i -> edit.apply(new EndpointBuilder()
        .withAddresses("10.0.0." + (i + 1))
        .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
        .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withName(service + "-" + i)
            .withNamespace(ns).build()))
        .build()).toList();
    EndpointSlice slice = new EndpointSliceBuilder().withNewMetadata().withName(sliceName)
        .withNamespace(ns).addToLabels("kubernetes.io/service-name", service).endMetadata()
        .withAddressType("IPv4").withEndpoints(eps)
        .addNewPort().withName("http").withPort(port).withProtocol("TCP").endPort()
        .build();
    return client.discovery().v1().endpointSlices().inNamespace(ns).resource(slice).createOr(
        existing -> existing.update());
  }

  EndpointSlice writeSlice(String service, int count) {
    return writeSlice(service, service + "-abc", 0, count, 8080, UnaryOperator.identity());
  }

  /** Marks the endpoint terminating but still serving, as the endpoints controller does on delete. */
  static EndpointBuilder terminating(EndpointBuilder endpoint) {
    return endpoint.editConditions().withReady(false).withServing(true).withTerminating(true)
        .endConditions();
  }

  StickyPool samplePool(String file) {
    try (var in = new FileInputStream("samples/" + file)) {
      StickyPool p = client.getKubernetesSerialization().unmarshal(in, StickyPool.class);
      p.getMetadata().setNamespace(ns);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes Service {@code web} with backends web-0..web-2 (all ready) and two Ready proxy pods,
   * web-proxy-a (10.9.0.1) and web-proxy-b (10.9.0.2); returns pool {@code web} of
   * samples/pool-cookie.yaml with this drain, not created yet.
   */
  StickyPool webPoolWithTwoProxies(String drainTimeout, String idleThreshold) {
    createProxyPod("web", "web-proxy-a", "10.9.0.1");
    createProxyPod("web", "web-proxy-b", "10.9.0.2");
    createService("web");
    writeSlice("web", 3);
    StickyPool pool = samplePool("pool-cookie.yaml");
    io.stickypool.api.v1alpha1.Drain drain = new io.stickypool.api.v1alpha1.Drain();
    drain.setDrainTimeout(drainTimeout);
    drain.setIdleSessionThreshold(idleThreshold);
    pool.getSpec().setDrain(drain);
    return pool;
  }

  StickyPool createPool(StickyPool pool) {
    return client.resources(StickyPool.class).inNamespace(ns).resource(pool).create();
  }

  /**
   * Changes a pool the way {@code kubectl edit} does: read, change, write with the version read,
   * and on a conflict (the operator wrote its finalizer or status in between) read again and
   * retry, as kubectl and client-go's RetryOnConflict do.
   */
  StickyPool editPool(String name, Consumer<StickyPool> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        return client.resources(StickyPool.class).inNamespace(ns).withName(name).edit(pool -> {
          change.accept(pool);
          return pool;
        });
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  StickyPool pool(String name) {
    return client.resources(StickyPool.class).inNamespace(ns).withName(name).get();
  }

  Optional<Condition> condition(String pool, String type) {
    StickyPool p = pool(pool);
    if (p == null || p.getStatus() == null || p.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return p.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** The routes document the proxies read, or null while the ConfigMap does not exist. */
  JsonNode routes(String pool) {
    ConfigMap cm = client.configMaps().inNamespace(ns).withName(pool + "-routes").get();
    if (cm == null) {
      return null;
    }
    try {
      return JSON.readTree(cm.getData().get("proxy.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long routesVersion(String pool) {
    JsonNode routes = routes(pool);
    return routes == null ? 0 : routes.get("version").asLong();
  }

  /** Backend id -> state, e.g. {@code web-1=Draining}, in snapshot order. */
  List<String> backendStates(String pool) {
    JsonNode routes = routes(pool);
    if (routes == null) {
      return List.of();
    }
    return java.util.stream.StreamSupport.stream(routes.get("backends").spliterator(), false)
        .map(b -> b.get("id").asText() + "=" + b.get("state").asText()).toList();
  }

  /** Every object a pool owns, in a fixed order; null where one does not exist. */
  List<io.fabric8.kubernetes.api.model.HasMetadata> owned(String pool) {
    return java.util.Arrays.asList(
        client.configMaps().inNamespace(ns).withName(pool + "-routes").get(),
        client.secrets().inNamespace(ns).withName(pool + "-keys").get(),
        client.apps().deployments().inNamespace(ns).withName(pool + "-proxy").get(),
        client.services().inNamespace(ns).withName(pool + "-proxy").get(),
        client.services().inNamespace(ns).withName(pool + "-proxy-admin").get(),
        client.serviceAccounts().inNamespace(ns).withName(pool + "-proxy").get(),
        client.rbac().roles().inNamespace(ns).withName(pool + "-proxy").get(),
        client.rbac().roleBindings().inNamespace(ns).withName(pool + "-proxy").get(),
        client.policy().v1().podDisruptionBudget().inNamespace(ns).withName(pool + "-proxy").get());
  }

  String keys(String pool) {
    return client.secrets().inNamespace(ns).withName(pool + "-keys").get().getData().toString();
  }

  /** Session reports of the named pods come from these loopback servers, as if from each pod IP. */
  static io.stickypool.operator.sessions.AdminTargetResolver reportsFrom(
      java.util.Map<String, io.stickypool.operator.sessions.ReportServer> servers) {
    return pod -> Optional.ofNullable(servers.get(pod.getMetadata().getName()))
        .map(server -> server.target(pod.getMetadata().getName()));
  }

  List<Event> events() {
    return client.v1().events().inNamespace(ns).list().getItems();
  }

  List<String> eventReasons() {
    return events().stream().map(Event::getReason).toList();
  }
}
