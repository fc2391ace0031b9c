package io.stickypool.demo;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.api.v1alpha1.BackendState;
import io.stickypool.api.v1alpha1.BackendStatus;
import io.stickypool.api.v1alpha1.StickyPool;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * SIMULATOR, not StickyPool: a one-machine stand-in for a node and the controllers StickyPool
 * relies on in a real cluster (Deployment/ReplicaSet, kubelet, endpoints controller). Every 200 ms
 * it reads the Deployments through the API and makes them real on loopback: the operator's proxy
 * Deployment runs the real proxy in this JVM ({@link SimulatedProxyPods}), any other Deployment
 * runs small HTTP servers answering with their pod name ({@link SimulatedBackendPods}). Everything
 * it does goes through the API, so the operator sees only what it would see in a cluster. It
 * prints its actions prefixed {@code [simulator]} so nobody mistakes them for StickyPool's.
 */
public final class SimulatedNode implements DemoNode {
  static final String PROXY_APP = "stickypool-proxy";

  private final KubernetesClient client;
  private final String namespace;
  private final PrintStream out;
  private final SimulatedProxyPods proxies;
  private final Map<String, SimulatedBackendPods> apps = new java.util.concurrent.ConcurrentHashMap<>();
  private final NodeLoop loop;

  public SimulatedNode(KubernetesClient client, String namespace, PrintStream out) {
    this.client = client;
    this.namespace = namespace;
    this.out = out;
    this.proxies = new SimulatedProxyPods(client, namespace, out);
    this.loop = new NodeLoop("simulator", out);
  }

  @Override
  public void start() {
    out.println("[simulator] node started: it plays kubelet, ReplicaSet and endpoints controller on 127.0.0.1");
    loop.start(this::tick);
  }

  private void tick() throws Exception {
    Set<String> drained = drainedBackends();
    for (Deployment d : client.apps().deployments().inNamespace(namespace).list().getItems()) {
      Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
      int ready;
      if (PROXY_APP.equals(labels.get("app.kubernetes.io/name"))) {
        ready = proxies.reconcile(d, labels.get("app.kubernetes.io/instance"));
      } else {
        String name = d.getMetadata().getName();
        ready = apps.computeIfAbsent(name, n -> new SimulatedBackendPods(client, namespace, n, out))
            .reconcile(d, drained, proxies.proxies()::routes);
      }
      writeStatus(d, ready);
    }
  }

  /**
   * Backends that some pool's status calls Drained and waits for no other pool on: what a preStop
   * hook asking that pool's {@code /drained} would be told, the signal to let their pods go.
   */
  private Set<String> drainedBackends() {
    Set<String> drained = new HashSet<>();
    for (StickyPool p : client.resources(StickyPool.class).inNamespace(namespace).list().getItems()) {
      List<BackendStatus> backends = p.getStatus() == null ? null : p.getStatus().getBackends();
      if (backends != null) {
        backends.stream().filter(b -> b.getState() == BackendState.Drained
            && (b.getWaitingFor() == null || b.getWaitingFor().isEmpty())).forEach(b -> drained.add(b.getId()));
      }
    }
    return drained;
  }

  /** What the Deployment controller reports, so kubectl get deploy shows READY; written only on change. */
  private void writeStatus(Deployment d, int ready) {
    DeploymentStatus want = new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration())
        .withReplicas(ready).withReadyReplicas(ready).withAvailableReplicas(ready).withUpdatedReplicas(ready).build();
    DeploymentStatus have = d.getStatus();
    if (have != null && Objects.equals(have.getReadyReplicas(), ready) && Objects.equals(have.getReplicas(), ready)
        && Objects.equals(have.getObservedGeneration(), d.getMetadata().getGeneration())) {
      return;
    }
    d.setStatus(want);
    try {
      client.apps().deployments().inNamespace(namespace).resource(d).updateStatus();
    } catch (RuntimeException e) {
      // A conflict with the operator's own write: the next tick tries again on a fresh copy.
    }
  }

  @Override
  public InProcessProxies proxies() {
    return proxies.proxies();
  }

  @Override
  public Set<String> terminated(String deployment) {
    SimulatedBackendPods pods = apps.get(deployment);
    return pods == null ? Set.of() : pods.terminated();
  }

  @Override
  public Set<String> gone(String deployment) {
    SimulatedBackendPods pods = apps.get(deployment);
    return pods == null ? Set.of() : pods.gone();
  }

  @Override
  public void close() throws InterruptedException {
    loop.close();
    proxies.close();
    apps.values().forEach(SimulatedBackendPods::close);
  }
}
