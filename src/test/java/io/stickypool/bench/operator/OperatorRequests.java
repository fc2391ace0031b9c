package io.stickypool.bench.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.testing.AuditLog;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * The requests one user sent in a time window, from the API server's audit log (Metadata level,
 * one JSON event per line; a watch is logged when its response starts and again when it ends, so
 * requests are counted once per audit id, by when they were received).
 *
 * @param byVerbAndResource e.g. {@code get core/configmaps} -> count
 * @param failed the requests answered with 4xx/5xx, as {@code verb resource code} -> count
 */
record OperatorRequests(Map<String, Long> byVerbAndResource, Map<String, Long> failed, long reads, long writes) {
  private static final Set<String> READS = Set.of("get", "list", "watch");
  private static final ObjectMapper JSON = new ObjectMapper();

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

  /**
   * Counts {@code user}'s requests received in [from, to) in {@code log} and the files the API
   * server rotated it into (at 100 MB by default; named {@code audit-<time>.log} beside it),
   * streamed line by line: at 1,000 pools a minute is over 100 MB of log.
   */
  static OperatorRequests count(Path log, String user, Instant from, Instant to) throws IOException {
    Map<String, Long> by = new TreeMap<>();
    Map<String, Long> failed = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    long[] readsWrites = new long[2];
    String quotedUser = "\"" + user + "\"";
    for (Path file : logFiles(log, from)) {
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (!line.contains(quotedUser) || !line.endsWith("}")) {
            continue; // another user's request, or a line the server is still writing
          }
          JsonNode e = JSON.readTree(line);
          AuditLog.Request r = AuditLog.request(e);
          Instant received = Instant.parse(e.path("requestReceivedTimestamp").asText());
          if (!user.equals(r.user()) || received.isBefore(from) || !received.isBefore(to)) {
            continue;
          }
          // A watch's first event has no code yet; its end, if logged, gives one.
          if (r.code() >= 400) {
            failed.merge(r.verbAndResource() + " " + r.code(), 1L, Long::sum);
          }
          if (seen.add(r.auditId())) {
            by.merge(r.verbAndResource(), 1L, Long::sum);
            readsWrites[READS.contains(r.verb()) ? 0 : 1]++;
          }
        }
      }
    }
    return new OperatorRequests(by, failed, readsWrites[0], readsWrites[1]);
  }

  /** The log and its rotated files that were still written to at {@code from} or later. */
  private static List<Path> logFiles(Path log, Instant from) throws IOException {
    String base = log.getFileName().toString().replaceFirst("\\.log$", "");
    try (Stream<Path> files = Files.list(log.getParent())) {
      List<Path> out = new ArrayList<>();
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        if (name.startsWith(base) && name.endsWith(".log")
            && !Files.getLastModifiedTime(f).toInstant().isBefore(from)) {
          out.add(f);
        }
      }
      return out;
    }
  }

  /**
   * Waits until the log holds every request answered before now: the server writes an event
   * after its response, so a marker request sent now appears once those before it have.
   */
  static void catchUp(KubernetesClient client, String namespace, Path log) {
    long fromOffset = log.toFile().length();
    Instant sent = Instant.now().minusSeconds(1);
    String marker = "audit-marker-" + UUID.randomUUID();
    client.configMaps().inNamespace(namespace).withName(marker).get();
    Awaitility.await("audit event of " + marker).atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200)).until(() -> logged(log, fromOffset, sent, marker));
  }

  /** Whether {@code marker} is in the log past {@code from}, or in a file it was rotated into since. */
  private static boolean logged(Path log, long from, Instant since, String marker) throws IOException {
    for (Path f : logFiles(log, since)) {
      boolean current = f.equals(log) && Files.size(log) >= from;
      if (tail(f, current ? from : 0).contains(marker)) {
        return true;
      }
    }
    return false;
  }

  private static String tail(Path log, long from) throws IOException {
    try (RandomAccessFile in = new RandomAccessFile(log.toFile(), "r")) {
      byte[] bytes = new byte[Math.toIntExact(in.length() - from)];
      in.seek(from);
      in.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }
}
