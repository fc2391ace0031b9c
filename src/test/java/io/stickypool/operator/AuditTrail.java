package io.stickypool.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The requests the API server logged in one namespace since a mark, read from its audit log (one
 * JSON event per line, Metadata level). The log is shared by every class of the test JVM, hence
 * the namespace filter; the API server writes a line once the response is complete, so a request
 * shows up only after it was answered, in completion order.
 */
final class AuditTrail {
  private static final ObjectMapper JSON = new ObjectMapper();

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

  /** The namespace's requests logged since the mark, in log order (complete lines only). */
  List<Request> since() {
    byte[] bytes;
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      bytes = new byte[(int) (file.length() - mark)];
      file.seek(mark);
      file.readFully(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    List<Request> out = new ArrayList<>();
    int end = text.lastIndexOf('\n');
    for (String line : end < 0 ? new String[0] : text.substring(0, end).split("\n")) {
      JsonNode event = read(line);
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

  private static JsonNode read(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException("audit log line: " + line, e);
    }
  }
}
