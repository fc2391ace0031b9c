package io.stickypool.demo;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * SIMULATOR, not StickyPool: plays kubelet + ReplicaSet + endpoints controller for one ordinary
 * Deployment (the backend app). Each replica is a real HTTP server on 127.0.0.1 answering with its
 * pod name ({@link DemoBackend}), a Ready Pod object, and one EndpointSlice per pod (each loopback
 * server has its own port, so one slice per pod is the honest shape). On scale-down it does what
 * Kubernetes does to a terminating pod: the endpoint turns terminating+serving and the process
 * keeps serving (the sample's preStop sleep) until the pool reports it Drained or the pod's
 * terminationGracePeriodSeconds ends; only then the endpoint, the pod and the server go.
 * Single-threaded: only {@link SimulatedNode}'s loop calls {@link #reconcile}.
 */
final class SimulatedBackendPods implements AutoCloseable {
  private static final String COST = "controller.kubernetes.io/pod-deletion-cost";
  /** How long a removed endpoint's server outlives it at most, while proxies pick up new routes. */
  private static final Duration ROUTES_CATCH_UP = Duration.ofSeconds(10);

  private enum Phase { SERVING, TERMINATING, ENDPOINT_REMOVED }

  private static final class SimPod {
    final String name;
    final DemoBackend server;
    final Duration grace;
    Phase phase = Phase.SERVING;
    Instant since = Instant.now();

    SimPod(String name, DemoBackend server, Duration grace) {
      this.name = name;
      this.server = server;
      this.grace = grace;
    }
  }

  private final KubernetesClient client;
  private final String namespace;
  private final String deployment;
  private final PrintStream out;
  private final Map<String, SimPod> pods = new LinkedHashMap<>();
  private final Set<String> terminated = ConcurrentHashMap.newKeySet();
  private final Set<String> gone = ConcurrentHashMap.newKeySet();
  private int nextIndex;

  SimulatedBackendPods(KubernetesClient client, String namespace, String deployment, PrintStream out) {
    this.client = client;
    this.namespace = namespace;
    this.deployment = deployment;
    this.out = out;
  }

  /**
   * One pass: start or terminate replicas to match spec.replicas, then move terminating pods on.
   *
   * @param drained the pool's view: backend ids whose state is Drained
   * @param routed whether any proxy still routes to a backend id
   * @return the number of serving replicas
   */
  int reconcile(Deployment d, Set<String> drained, Predicate<String> routed) throws IOException {
    int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    List<SimPod> serving = pods.values().stream().filter(p -> p.phase == Phase.SERVING).toList();
    for (int i = serving.size(); i < desired; i++) {
      start(d);
    }
    if (serving.size() > desired) {
      Map<String, Long> cost = costs(serving);
      victims(serving, serving.size() - desired, cost).forEach(p -> terminate(p, cost.get(p.name)));
    }
    for (SimPod p : List.copyOf(pods.values())) {
      advance(p, drained, routed);
    }
    return (int) pods.values().stream().filter(p -> p.phase == Phase.SERVING).count();
  }

  /** Pods that were told to terminate during the run, and those already gone. */
  Set<String> terminated() {
    return Set.copyOf(terminated);
  }

  Set<String> gone() {
    return Set.copyOf(gone);
  }

  private void start(Deployment d) throws IOException {
    String name = deployment + "-" + nextIndex++;
    Duration grace = Duration.ofSeconds(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds() == null
        ? 30 : d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds());
    SimPod p = new SimPod(name, new DemoBackend(name), grace);
    pods.put(name, p);
    Pod pod = ReadyPods.create(client, namespace, d, name);
    writeSlice(p, pod, false);
    out.printf("[simulator] pod %s started: a real HTTP server on 127.0.0.1:%d, Ready, endpoint ready%n",
        name, p.server.port());
  }

  /** Lowest pod-deletion cost first, then the newest: the ReplicaSet controller's order. */
  private static List<SimPod> victims(List<SimPod> serving, int n, Map<String, Long> cost) {
    return serving.stream().sorted(Comparator.<SimPod>comparingLong(p -> cost.get(p.name))
        .thenComparing(Comparator.comparingInt((SimPod p) -> index(p.name)).reversed()))
        .limit(n).toList();
  }

  /** Each pod's controller.kubernetes.io/pod-deletion-cost (the operator writes its live sessions). */
  private Map<String, Long> costs(List<SimPod> serving) {
    Map<String, Long> cost = new ConcurrentHashMap<>();
    for (SimPod p : serving) {
      Pod pod = client.pods().inNamespace(namespace).withName(p.name).get();
      String c = pod == null || pod.getMetadata().getAnnotations() == null ? null
          : pod.getMetadata().getAnnotations().get(COST);
      cost.put(p.name, c == null ? 0L : Long.parseLong(c));
    }
    return cost;
  }

  private void terminate(SimPod p, long cost) {
    p.phase = Phase.TERMINATING;
    p.since = Instant.now();
    terminated.add(p.name);
    Pod pod = client.pods().inNamespace(namespace).withName(p.name).get();
    writeSlice(p, pod, true);
    out.printf("[simulator] pod %s terminating (pod-deletion-cost %d, among the lowest): endpoint now"
        + " terminating+serving; the server stays up until the pool reports it Drained (grace period %ds)%n",
        p.name, cost, p.grace.toSeconds());
  }

  private void advance(SimPod p, Set<String> drained, Predicate<String> routed) {
    Instant now = Instant.now();
    if (p.phase == Phase.TERMINATING && (drained.contains(p.name) || now.isAfter(p.since.plus(p.grace)))) {
      client.discovery().v1().endpointSlices().inNamespace(namespace).withName(p.name).delete();
      out.printf("[simulator] pod %s %s: its endpoint is removed%n", p.name,
          drained.contains(p.name) ? "reported Drained by the pool" : "reached the end of its grace period");
      p.phase = Phase.ENDPOINT_REMOVED;
      p.since = now;
    } else if (p.phase == Phase.ENDPOINT_REMOVED && (!routed.test(p.name) || now.isAfter(p.since.plus(ROUTES_CATCH_UP)))) {
      // Like a pod's process exiting after its endpoint is gone: stop only once no proxy routes here.
      client.pods().inNamespace(namespace).withName(p.name).delete();
      p.server.close();
      pods.remove(p.name);
      gone.add(p.name);
      out.printf("[simulator] pod %s deleted, its server stopped (it answered %d requests)%n", p.name, p.server.served());
    }
  }

  /** What the endpoints controller writes for a pod behind every Service that selects it. */
  private void writeSlice(SimPod p, Pod pod, boolean terminating) {
    for (Service svc : client.services().inNamespace(namespace).list().getItems()) {
      Map<String, String> selector = svc.getSpec().getSelector();
      if (selector == null || pod == null || !pod.getMetadata().getLabels().entrySet().containsAll(selector.entrySet())) {
        continue;
      }
      EndpointSliceBuilder slice = new EndpointSliceBuilder().withNewMetadata().withName(p.name).withNamespace(namespace)
          .addToLabels("kubernetes.io/service-name", svc.getMetadata().getName()).endMetadata()
          .withAddressType("IPv4")
          .addNewEndpoint().withAddresses("127.0.0.1")
              .withNewConditions().withReady(!terminating).withServing(true).withTerminating(terminating).endConditions()
              .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withName(p.name).withNamespace(namespace).build())
          .endEndpoint();
      for (ServicePort port : svc.getSpec().getPorts()) {
        // The Service's targetPort names the container port; on this node it is the server's own port.
        slice.addNewPort().withName(port.getName()).withPort(p.server.port()).withProtocol("TCP").endPort();
      }
      EndpointSlice s = slice.build();
      client.discovery().v1().endpointSlices().inNamespace(namespace).resource(s).createOr(x -> x.update());
    }
  }

  private static int index(String name) {
    return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
  }

  @Override
  public void close() {
    pods.values().forEach(p -> p.server.close());
    pods.clear();
  }
}
