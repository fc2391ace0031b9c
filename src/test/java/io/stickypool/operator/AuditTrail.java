package io.stickypool.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.stickypool.testing.AuditLog;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The requests the API server logged in one namespace since a mark (parsed by {@link AuditLog}, as
 * write counts by user agent and subresource), read from its audit log (one
 * JSON event per line, Metadata level). The log is shared by every class of the test JVM, hence
 * the namespace filter; the API server writes a line once the response is complete, so a request
 * shows up only after it was answered, in completion order.
 */
final class AuditTrail {
  /** What fabric8 sends as User-Agent: the operator under test and the test itself. */
  static final String FABRIC8 = "fabric8-kubernetes-client/";

  /**
   * One logged request; {@code subresource} is "" for the object itself. Every control-plane
   * component authenticates as the same admin user, so the user agent tells them apart.
   */
  record Request(String verb, String resource, String name, String subresource, int code, String userAgent) {
    boolean isRead() {
      return verb.equals("get") || verb.equals("list") || verb.equals("watch");
    }

    boolean succeeded() {
      return code >= 200 && code < 300;
    }

    boolean fromThisJvm() {
      return userAgent.startsWith(FABRIC8);
    }

    @Override
    public String toString() {
      return verb + " " + resource + "/" + name + (subresource.isEmpty() ? "" : "/" + subresource) + " " + code;
    }
  }

  private final Path log;
  private final String namespace;
  private long mark;

  AuditTrail(Path log, String namespace) {
    this.log = log;
    this.namespace = namespace;
  }

  /** Forgets what was logged so far: {@link #since()} returns only later requests. */
  void mark() {
    mark = length();
  }

  /**
   * Marks the log across a few rounds of an idle pool, counted by {@code rounds} (e.g. how often
   * a proxy was asked for its report): lets two rounds finish the writes of earlier ones, marks,
   * then waits for five more, so {@link #since()} holds what those five sent.
   */
  void markAcrossRounds(IntSupplier rounds, Duration atMost) {
    int settled = rounds.getAsInt() + 2;
    await().atMost(atMost).until(() -> rounds.getAsInt() >= settled);
    mark();
    int from = rounds.getAsInt();
    await().atMost(atMost).until(() -> rounds.getAsInt() >= from + 5);
  }

  /** The namespace's requests logged since the mark, in log order (complete lines only). */
  List<Request> since() {
    List<Request> out = new ArrayList<>();
    for (JsonNode event : AuditLog.events(log, mark)) {
      JsonNode ref = event.path("objectRef");
      if ("ResponseComplete".equals(event.path("stage").asText())
          && namespace.equals(ref.path("namespace").asText())) {
        out.add(new Request(event.path("verb").asText(), ref.path("resource").asText(),
            ref.path("name").asText(), ref.path("subresource").asText(),
            event.path("responseStatus").path("code").asInt(), event.path("userAgent").asText()));
      }
    }
    return out;
  }

  private long length() {
    return log.toFile().length();
  }
}
