package io.stickypool.demo;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.proxy.ProxyRuntime;
import java.io.PrintStream;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * SIMULATOR, not StickyPool: plays kubelet for the operator's proxy Deployment ({@code <pool>-proxy}).
 * Each replica is the real proxy in this JVM ({@link InProcessProxies}) plus a Ready Pod object.
 * The simulated endpoints already carry loopback addresses, so routes reach the backends as they
 * are. The pods' IPs are made up, so {@link InProcessProxies#adminTarget} tells the operator which
 * loopback port each pod's admin server (session reports) listens on. Scaling proxies down is not
 * simulated. {@link #reconcile} runs on {@link SimulatedNode}'s thread.
 */
final class SimulatedProxyPods implements AutoCloseable {
  private final KubernetesClient client;
  private final String namespace;
  private final PrintStream out;
  private final InProcessProxies proxies;

  SimulatedProxyPods(KubernetesClient client, String namespace, PrintStream out) {
    this.client = client;
    this.namespace = namespace;
    this.out = out;
    this.proxies = new InProcessProxies(client, namespace);
  }

  /** Starts replicas up to spec.replicas once the pool's routes and keys exist; returns the running count. */
  int reconcile(Deployment d, String pool) throws Exception {
    int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    while (running(d) < desired && start(d, pool)) {
      // one more replica started
    }
    return running(d);
  }

  /** This Deployment's replicas only: with two pools, each proxy Deployment reports its own pods. */
  private int running(Deployment d) {
    String ownPods = java.util.regex.Pattern.quote(d.getMetadata().getName() + "-") + "\\d+";
    return (int) proxies.podNames().stream().filter(n -> n.matches(ownPods)).count();
  }

  private boolean start(Deployment d, String pool) throws Exception {
    String name = d.getMetadata().getName() + "-" + running(d);
    Optional<ProxyRuntime> started = proxies.start(name, pool, UnaryOperator.identity());
    if (started.isEmpty()) {
      return false;
    }
    ReadyPods.create(client, namespace, d, name);
    ProxyRuntime proxy = started.get();
    out.printf("[simulator] pod %s started: the real StickyPool proxy in this JVM, traffic on %s, admin on %s,"
        + " routes from ConfigMap %s-routes through the API%n", name, proxy.trafficAddress(), proxy.adminAddress(), pool);
    return true;
  }

  InProcessProxies proxies() {
    return proxies;
  }

  @Override
  public void close() {
    proxies.close();
  }
}
