package io.stickypool.e2e;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.testing.TestBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last network hop for pods that KWOK runs: their IPs are fake and nothing listens there, so
 * each backend pod gets a real {@link TestBackend} on 127.0.0.1 (id = pod name, so responses say
 * which pod answered), started the first time the pod is seen, and a routing snapshot's backend
 * addresses (pod IP:port as the operator published them) are rewritten to those loopback ports.
 * Everything before that hop, the routes document included, is untouched.
 */
final class LoopbackBackends implements AutoCloseable {
  private final Map<String, TestBackend> byPod = new ConcurrentHashMap<>();
  /** Pod name -> the address the routes document gave it (pod IP:port), as the proxies received it. */
  private final Map<String, String> published = new ConcurrentHashMap<>();

  /** The pod's backend, started on first use. */
  TestBackend forPod(String pod) {
    return byPod.computeIfAbsent(pod, name -> {
      try {
        return TestBackend.start(name);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted starting the backend of " + name, e);
      }
    });
  }

  /** The same snapshot with every backend's address mapped to its pod's loopback backend. */
  RoutingSnapshot remap(RoutingSnapshot snapshot) {
    List<Backend> mapped = new ArrayList<>();
    for (Backend b : snapshot.backends()) {
      String pod = b.id().value();
      published.put(pod, b.host() + ":" + b.port());
      mapped.add(new Backend(b.id(), "127.0.0.1", forPod(pod).port(), b.weight(), b.state(), b.drainDeadline()));
    }
    return snapshot.withBackends(snapshot.version(), mapped);
  }

  /** Pod name -> the address (pod IP:port) the routes document carried for it. */
  Map<String, String> publishedAddresses() {
    return Map.copyOf(published);
  }

  Set<String> pods() {
    return new TreeSet<>(byPod.keySet());
  }

  @Override
  public void close() throws InterruptedException {
    for (TestBackend b : byPod.values()) {
      b.close();
    }
  }
}
