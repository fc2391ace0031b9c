package io.stickypool.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.api.v1alpha1.BackendState;
import io.stickypool.api.v1alpha1.BackendStatus;
import io.stickypool.api.v1alpha1.StickyPool;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The live table: per backend, its state and live sessions as the StickyPool status reports them
 * (the operator's sum over the proxies' session reports) next to how many users still browsing it
 * answered last. Shown through the {@link DemoScreen}: redrawn in place on a terminal.
 */
final class DemoTable {
  private final KubernetesClient client;
  private final String namespace;
  private final String pool;
  private final DemoScreen screen;
  private final Instant started;

  DemoTable(KubernetesClient client, String namespace, String pool, DemoScreen screen, Instant started) {
    this.client = client;
    this.namespace = namespace;
    this.pool = pool;
    this.screen = screen;
    this.started = started;
  }

  void print(DemoBrowsers users) {
    StickyPool p = read();
    Map<String, BackendStatus> status = backends(p);
    Map<String, Integer> seen = users.perBackend();
    TreeSet<String> ids = new TreeSet<>(status.keySet());
    ids.addAll(seen.keySet());
    String header = String.format("[table %3ds] requests %d, failed %d; sessions reported by %s proxies",
        Duration.between(started, Instant.now()).toSeconds(), users.requests(), users.failed(),
        p == null || p.getStatus() == null ? "?" : p.getStatus().getSessionsReportedBy());
    // Pod names of a real ReplicaSet are long (web-7857f9995b-6spkl), the simulator's short (web-0).
    int width = Math.max("backend".length(), ids.stream().mapToInt(String::length).max().orElse(0));
    String row = "              %-" + width + "s %-20s %-18s %s";
    List<String> rows = new ArrayList<>();
    rows.add(String.format(row, "backend", "state", "sessions (status)", "users browsing it"));
    for (String id : ids) {
      BackendStatus b = status.get(id);
      rows.add(String.format(row, id, b == null ? "(gone)" : state(b, screen.live()),
          b == null || b.getSessions() == null ? "-" : b.getSessions(), seen.getOrDefault(id, 0)));
    }
    screen.table(header, rows);
  }

  /** Whether the status says all {@code proxies} proxies answered the operator's last session round. */
  boolean reportedByAll(int proxies) {
    StickyPool p = read();
    return p != null && p.getStatus() != null && (proxies + "/" + proxies).equals(p.getStatus().getSessionsReportedBy());
  }

  /**
   * Empty when the status counts, per backend it lists, exactly the users still browsing there
   * (and lists every backend that has some); else what differs.
   */
  String disagreement(DemoBrowsers users) {
    Map<String, BackendStatus> status = backends(read());
    Map<String, Long> counted = new TreeMap<>();
    status.forEach((id, b) -> counted.put(id, b.getSessions() == null ? -1 : b.getSessions()));
    Map<String, Long> browsing = new TreeMap<>();
    status.keySet().forEach(id -> browsing.put(id, 0L));
    users.perBackend().forEach((id, n) -> browsing.put(id, (long) n));
    return counted.equals(browsing) ? "" : "status " + counted + ", users " + browsing;
  }

  private StickyPool read() {
    return client.resources(StickyPool.class).inNamespace(namespace).withName(pool).get();
  }

  private static Map<String, BackendStatus> backends(StickyPool p) {
    Map<String, BackendStatus> status = new TreeMap<>();
    if (p != null && p.getStatus() != null && p.getStatus().getBackends() != null) {
      p.getStatus().getBackends().forEach(b -> status.put(b.getId(), b));
    }
    return status;
  }

  /**
   * {@code Draining (7s left)} while a drain runs on a live screen, else the state (plain lines
   * would print the table again every second for the countdown alone).
   */
  private static String state(BackendStatus b, boolean countdown) {
    if (!countdown || b.getState() != BackendState.Draining || b.getDrainDeadline() == null) {
      return String.valueOf(b.getState());
    }
    try {
      long left = Duration.between(Instant.now(), Instant.parse(b.getDrainDeadline())).toSeconds();
      return "Draining (" + Math.max(0, left) + "s left)";
    } catch (DateTimeParseException e) {
      return "Draining";
    }
  }
}
