package io.stickypool.demo;

import io.stickypool.operator.OperatorSettings;

import io.fabric8.kubernetes.api.model.Pod;
import io.stickypool.operator.sessions.AdminTarget;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What runs the demo's pods on this machine: the simulated node of the embedded API, or the
 * loopback containers of the pods KWOK runs on the real control plane. Either way the backends
 * are real HTTP servers and the proxies the real StickyPool proxy, all on 127.0.0.1.
 */
interface DemoNode extends AutoCloseable {
  void start();

  /** The proxy pods' proxies, running in this JVM. */
  InProcessProxies proxies();

  /** For OperatorSettings.adminTargets: where a proxy pod's admin server really listens. */
  default Optional<AdminTarget> adminTarget(Pod pod) {
    return proxies().adminTarget(pod);
  }

  /** The proxies' traffic ports, in start order (what a Service in front of them would spread over). */
  default List<Integer> proxyPorts() {
    return proxies().trafficPorts();
  }

  /** Whether every proxy serves exactly this many Active backends. */
  default boolean proxiesServeActive(int active) {
    return proxies().allServeActive(active);
  }

  /** The backend pods of a Deployment that were told to terminate during the run. */
  Set<String> terminated(String deployment);

  /** Those of them whose pod is gone and whose server has stopped. */
  Set<String> gone(String deployment);

  @Override
  void close() throws InterruptedException;
}
