package io.stickypool.bench.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.testing.AuditLog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.awaitility.Awaitility;

/**
 * The requests one user sent in a time window, from the API server's audit log (Metadata level,
 * one JSON event per line; a watch is logged when its response starts and again when it ends, so
 * requests are counted once per audit id, by when they were received). Only the log from a byte
 * offset on is read: at 1,000 pools the file grows by tens of MB a minute.
 *
 * @param byVerbAndResource e.g. {@code get core/configmaps} -> count
 * @param failed the requests answered with 4xx/5xx, as {@code verb resource code} -> count
 */
record OperatorRequests(Map<String, Long> byVerbAndResource, Map<String, Long> failed, long reads, long writes) {
  private static final Set<String> READS = Set.of("get", "list", "watch");

  long total() {
    return reads + writes;
  }

  /** The counts scaled to one minute, for a window of {@code window}. */
  OperatorRequests perMinute(Duration window) {
    double f = 60_000.0 / window.toMillis();
    Map<String, Long> by = new TreeMap<>();
    byVerbAndResource.forEach((k, v) -> by.put(k, Math.round(v * f)));
    Map<String, Long> bad = new TreeMap<>();
    failed.forEach((k, v) -> bad.put(k, Math.round(v * f)));
    return new OperatorRequests(by, bad, Math.round(reads * f), Math.round(writes * f));
  }

  static OperatorRequests count(Path log, long fromOffset, String user, Instant from, Instant to) {
    Map<String, Long> by = new TreeMap<>();
    Map<String, Long> failed = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    long reads = 0;
    long writes = 0;
    for (JsonNode e : AuditLog.events(log, fromOffset)) {
      AuditLog.Request r = AuditLog.request(e);
      Instant received = Instant.parse(e.path("requestReceivedTimestamp").asText());
      if (!user.equals(r.user()) || received.isBefore(from) || !received.isBefore(to)) {
        continue;
      }
      // A watch's first event has no code yet; its end, if logged, gives one.
      if (r.code() >= 400) {
        failed.merge(r.verbAndResource() + " " + r.code(), 1L, Long::sum);
      }
      if (!seen.add(r.auditId())) {
        continue;
      }
      by.merge(r.verbAndResource(), 1L, Long::sum);
      if (READS.contains(r.verb())) {
        reads++;
      } else {
        writes++;
      }
    }
    return new OperatorRequests(by, failed, reads, writes);
  }

  /**
   * Waits until the log holds every request answered before now: the server writes an event
   * after its response, so a marker request sent now appears once those before it have.
   */
  static void catchUp(KubernetesClient client, String namespace, Path log) {
    long fromOffset = log.toFile().length();
    String marker = "audit-marker-" + UUID.randomUUID();
    client.configMaps().inNamespace(namespace).withName(marker).get();
    Awaitility.await("audit event of " + marker).atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200)).until(() -> tail(log, fromOffset).contains(marker));
  }

  private static String tail(Path log, long from) throws IOException {
    try (RandomAccessFile in = new RandomAccessFile(log.toFile(), "r")) {
      byte[] bytes = new byte[(int) (in.length() - from)];
      in.seek(from);
      in.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }
}
