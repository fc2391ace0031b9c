package io.stickypool.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The real API server's audit log (one JSON event per line, Metadata level, as {@code
 * LocalControlPlane.auditLog()} writes it), read as the requests it records: who asked (the impersonated
 * user when there is one), the RBAC verb, the resource and the answer.
 */
public final class AuditLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One request. A watch is logged twice (ResponseStarted, then ResponseComplete when it ends);
   * {@link #requests} keeps one event per audit id.
   *
   * @param resource {@code group/resource[/subresource]} ("core" for the core group), or the
   *     request path for a non-resource request such as {@code /version}
   */
  public record Request(String auditId, String user, String verb, String resource, String namespace,
      String name, int code, String uri) {
    /** How RBAC sees it, e.g. {@code watch apps/deployments}. */
    public String verbAndResource() {
      return verb + " " + resource;
    }

    public boolean denied() {
      return code == 401 || code == 403;
    }
  }

  private final Path file;

  public AuditLog(Path file) {
    this.file = file;
  }

  /**
   * Waits until every request already answered is in the file: the server writes an event after
   * the response, so a marker request sent now shows up once those before it have.
   */
  public void catchUp(KubernetesClient admin, String namespace) {
    String marker = "audit-marker-" + UUID.randomUUID();
    admin.configMaps().inNamespace(namespace).withName(marker).get();
    await("audit event of " + marker).atMost(Duration.ofSeconds(30))
        .until(() -> Files.readString(file, StandardCharsets.UTF_8).contains(marker));
  }

  /** The requests made as any of {@code users} (by their effective user name), one per audit id. */
  public List<Request> requests(Set<String> users) {
    Map<String, Request> byId = new LinkedHashMap<>();
    for (JsonNode e : events()) {
      String user = effectiveUser(e);
      if (users.contains(user)) {
        Request r = request(e, user);
        // Keep the final answer of a watch (ResponseComplete) if the log already has it.
        byId.merge(r.auditId(), r, (first, later) -> later.code() != 0 ? later : first);
      }
    }
    return List.copyOf(byId.values());
  }

  /** Counts by {@link Request#verbAndResource()}, sorted. */
  public static Map<String, Long> table(List<Request> requests) {
    Map<String, Long> out = new java.util.TreeMap<>();
    requests.forEach(r -> out.merge(r.verbAndResource(), 1L, Long::sum));
    return out;
  }

  private List<JsonNode> events() {
    return events(file, 0);
  }

  /**
   * The events logged from byte {@code from} on, complete lines only: the server may be writing
   * the next event right now.
   */
  public static List<JsonNode> events(Path file, long from) {
    String text;
    try (java.io.RandomAccessFile in = new java.io.RandomAccessFile(file.toFile(), "r")) {
      byte[] bytes = new byte[(int) (in.length() - from)];
      in.seek(from);
      in.readFully(bytes);
      text = new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<JsonNode> out = new ArrayList<>();
    int end = text.lastIndexOf('\n');
    for (String line : text.substring(0, end + 1).split("\n")) {
      if (!line.isBlank()) {
        try {
          out.add(JSON.readTree(line));
        } catch (IOException e) {
          throw new UncheckedIOException("unreadable audit event: " + line, e);
        }
      }
    }
    return out;
  }

  /** One event as a request, attributed to its effective user. */
  public static Request request(JsonNode event) {
    return request(event, effectiveUser(event));
  }

  private static String effectiveUser(JsonNode e) {
    JsonNode impersonated = e.path("impersonatedUser").path("username");
    return impersonated.isMissingNode() ? e.path("user").path("username").asText() : impersonated.asText();
  }

  private static Request request(JsonNode e, String user) {
    JsonNode ref = e.path("objectRef");
    String uri = e.path("requestURI").asText();
    String resource;
    if (ref.isMissingNode()) {
      int q = uri.indexOf('?');
      resource = q < 0 ? uri : uri.substring(0, q);
    } else {
      String group = ref.path("apiGroup").asText("");
      String sub = ref.path("subresource").asText("");
      resource = (group.isEmpty() ? "core" : group) + "/" + ref.path("resource").asText()
          + (sub.isEmpty() ? "" : "/" + sub);
    }
    return new Request(e.path("auditID").asText(), user, e.path("verb").asText(), resource,
        ref.path("namespace").asText(null), ref.path("name").asText(null),
        e.path("responseStatus").path("code").asInt(0), uri);
  }
}
