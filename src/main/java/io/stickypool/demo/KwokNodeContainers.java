package io.stickypool.demo;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.ProxyRuntime;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * STAND-IN, not StickyPool: the containers of the pods KWOK runs on its fake node. Everything up
 * to the pod is real (Deployment, ReplicaSet and EndpointSlice controllers, scheduler, KWOK's
 * kubelet with its grace periods), but KWOK starts no process and gives pods made-up IPs that
 * nothing may dial. So every 200 ms this reads the namespace's pods and, for each Running one,
 * starts what its container would be on 127.0.0.1: the real StickyPool proxy for the operator's
 * proxy pods, a small HTTP server answering with the pod name for any other pod. The proxies'
 * routes keep the pod IPs the operator published; only the last hop is mapped, pod name ->
 * loopback port ({@link io.stickypool.proxy.routes.MappedRoutesSource}). A deleted pod's server
 * stops once no proxy routes to it (at most 10 s later), as a process exits after its endpoint.
 */
final class KwokNodeContainers implements DemoNode {
  /** How long a removed pod's server outlives it at most, while proxies pick up new routes. */
  private static final Duration ROUTES_CATCH_UP = Duration.ofSeconds(10);
  /** The stand-in's note on a proxy pod whose process it started (see {@link #announceStarted}). */
  static final String CONTAINER_STARTED = "demo.stickypool.io/container-started";

  private final KubernetesClient client;
  private final String namespace;
  private final PrintStream out;
  private final InProcessProxies proxies;
  private final Map<String, DemoBackend> backends = new ConcurrentHashMap<>();
  private final Map<String, Instant> deletedAt = new ConcurrentHashMap<>();
  /** Backend pods seen Running: a proxy's routes may have started their server before that. */
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private final Set<String> terminated = ConcurrentHashMap.newKeySet();
  private final Set<String> gone = ConcurrentHashMap.newKeySet();
  private final NodeLoop loop;

  KwokNodeContainers(KubernetesClient client, String namespace, PrintStream out) {
    this.client = client;
    this.namespace = namespace;
    this.out = out;
    this.proxies = new InProcessProxies(client, namespace);
    this.loop = new NodeLoop("containers", out);
  }

  @Override
  public void start() {
    out.println("[containers] KWOK runs the pods on its fake node; their containers run here on 127.0.0.1");
    loop.start(this::tick);
  }

  private void tick() throws Exception {
    List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
    for (Pod pod : pods) {
      if (isProxy(pod)) {
        startProxy(pod);
      } else {
        followBackend(pod);
      }
    }
    stopWhatIsGone(pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet()));
  }

  private static boolean isProxy(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels != null && SimulatedNode.PROXY_APP.equals(labels.get("app.kubernetes.io/name"));
  }

  private static boolean running(Pod pod) {
    return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())
        && pod.getStatus().getPodIP() != null;
  }

  private void startProxy(Pod pod) throws Exception {
    String name = pod.getMetadata().getName();
    if (proxies.has(name) || !running(pod) || pod.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    String pool = pod.getMetadata().getLabels().get("app.kubernetes.io/instance");
    Optional<ProxyRuntime> started = proxies.start(name, pool, this::toLoopback);
    started.ifPresent(p -> out.printf("[containers] pod %s (IP %s on %s, made up) runs the real StickyPool proxy here:"
        + " traffic on %s, admin on %s; routes from ConfigMap %s-routes through the API%n", name,
        pod.getStatus().getPodIP(), pod.getSpec().getNodeName(), p.trafficAddress(), p.adminAddress(), pool));
    if (started.isPresent()) {
      announceStarted(name);
    }
  }

  /**
   * KWOK marks a pod Ready before this starts its proxy (a kubelet would wait for the readiness
   * probe), so the operator may already have looked for the pod's admin port and found none. One
   * write to the pod, as the kubelet's Ready flip would be, has the operator look again.
   */
  private void announceStarted(String pod) {
    client.pods().inNamespace(namespace).withName(pod).edit(p -> new PodBuilder(p).editMetadata()
        .addToAnnotations(CONTAINER_STARTED, Instant.now().toString()).endMetadata().build());
  }

  private void followBackend(Pod pod) {
    String name = pod.getMetadata().getName();
    if (running(pod) && running.add(name)) {
      DemoBackend b = backend(name);
      out.printf("[containers] pod %s (IP %s on %s, made up) runs here as an HTTP server on 127.0.0.1:%d%n",
          name, pod.getStatus().getPodIP(), pod.getSpec().getNodeName(), b.port());
    }
    if (pod.getMetadata().getDeletionTimestamp() != null && terminated.add(name)) {
      out.printf("[containers] pod %s terminating (grace period %ds): its server keeps serving until KWOK removes"
          + " the pod%n", name, pod.getSpec().getTerminationGracePeriodSeconds());
    }
  }

  private void stopWhatIsGone(Set<String> present) {
    for (String pod : List.copyOf(proxies.podNames())) {
      if (!present.contains(pod)) {
        proxies.stop(pod);
        out.printf("[containers] pod %s deleted: its proxy stopped%n", pod);
      }
    }
    Instant now = Instant.now();
    for (Map.Entry<String, DemoBackend> e : backends.entrySet()) {
      String pod = e.getKey();
      if (present.contains(pod) || gone.contains(pod)) {
        continue;
      }
      Instant deleted = deletedAt.computeIfAbsent(pod, p -> now);
      if (!proxies.routes(pod) || now.isAfter(deleted.plus(ROUTES_CATCH_UP))) {
        // Its entry stays: a late routes update maps the pod to a closed loopback port, never to its fake IP.
        e.getValue().close();
        gone.add(pod);
        out.printf("[containers] pod %s deleted by KWOK, its server stopped (it answered %d requests)%n",
            pod, e.getValue().served());
      }
    }
  }

  /** The last hop: each routed pod's address becomes its server's loopback port. */
  private RoutingSnapshot toLoopback(RoutingSnapshot snapshot) {
    List<Backend> mapped = new ArrayList<>();
    for (Backend b : snapshot.backends()) {
      mapped.add(new Backend(b.id(), "127.0.0.1", backend(b.id().value()).port(), b.weight(), b.state(),
          b.drainDeadline()));
    }
    return snapshot.withBackends(snapshot.version(), mapped);
  }

  /** The pod's server, started the first time the pod shows up as Running or in a proxy's routes. */
  private DemoBackend backend(String pod) {
    return backends.computeIfAbsent(pod, name -> {
      try {
        return new DemoBackend(name);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  @Override
  public InProcessProxies proxies() {
    return proxies;
  }

  @Override
  public Set<String> terminated(String deployment) {
    return ofDeployment(terminated, deployment);
  }

  @Override
  public Set<String> gone(String deployment) {
    return ofDeployment(gone, deployment);
  }

  /** A Deployment's pods are named {@code <deployment>-<template hash>-<suffix>}. */
  private static Set<String> ofDeployment(Set<String> pods, String deployment) {
    return pods.stream().filter(p -> p.matches(java.util.regex.Pattern.quote(deployment) + "-[a-z0-9]+-[a-z0-9]+"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Override
  public void close() throws InterruptedException {
    loop.close();
    proxies.close();
    backends.values().forEach(DemoBackend::close);
  }
}
