package io.stickypool.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.api.v1alpha1.BackendStatus;
import io.stickypool.api.v1alpha1.StickyPool;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The live table: per backend, its state and live sessions as the StickyPool status reports them
 * (the operator's sum over the proxies' session reports) next to how many users it last answered.
 */
final class DemoTable {
  private final KubernetesClient client;
  private final String namespace;
  private final String pool;
  private final PrintStream out;
  private final Instant started;

  DemoTable(KubernetesClient client, String namespace, String pool, PrintStream out, Instant started) {
    this.client = client;
    this.namespace = namespace;
    this.pool = pool;
    this.out = out;
    this.started = started;
  }

  void print(DemoBrowsers users) {
    StickyPool p = client.resources(StickyPool.class).inNamespace(namespace).withName(pool).get();
    Map<String, BackendStatus> status = new TreeMap<>();
    if (p != null && p.getStatus() != null && p.getStatus().getBackends() != null) {
      p.getStatus().getBackends().forEach(b -> status.put(b.getId(), b));
    }
    Map<String, Integer> seen = users.perBackend();
    TreeSet<String> ids = new TreeSet<>(status.keySet());
    ids.addAll(seen.keySet());
    StringBuilder s = new StringBuilder();
    s.append(String.format("[table %3ds] requests %d, failed %d; sessions reported by %s proxies%n",
        Duration.between(started, Instant.now()).toSeconds(), users.requests(), users.failed(),
        p == null || p.getStatus() == null ? "?" : p.getStatus().getSessionsReportedBy()));
    // Pod names of a real ReplicaSet are long (web-7857f9995b-6spkl), the simulator's short (web-0).
    int width = Math.max("backend".length(), ids.stream().mapToInt(String::length).max().orElse(0));
    String row = "              %-" + width + "s %-12s %-18s %s%n";
    s.append(String.format(row, "backend", "state", "sessions (status)", "users (last answer)"));
    for (String id : ids) {
      BackendStatus b = status.get(id);
      s.append(String.format(row, id, b == null ? "(gone)" : b.getState(),
          b == null || b.getSessions() == null ? "-" : b.getSessions(), seen.getOrDefault(id, 0)));
    }
    out.print(s);
  }
}
