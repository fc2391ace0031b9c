package io.stickypool.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.session.DistinctSketch;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * JSON form of a {@link SessionReport} (docs/session-report.md). An exact sketch is a list of
 * 16-hex-digit mixed keys, an HLL sketch its registers in base64. Reading is strict: anything
 * malformed is an {@link IllegalArgumentException} naming the field, and the operator then treats
 * that proxy's figures as missing rather than wrong.
 */
public final class SessionReportCodec {
  public static final int SCHEMA_VERSION = 1;
  private static final HexFormat HEX = HexFormat.of();

  private final ObjectMapper json = new ObjectMapper();

  public String toJson(SessionReport report) {
    ObjectNode root = json.createObjectNode();
    root.put("schemaVersion", SCHEMA_VERSION);
    root.put("instance", report.instance());
    root.put("snapshotVersion", report.snapshotVersion());
    root.put("generatedAt", report.generatedAt().toString());
    ArrayNode backends = root.putArray("backends");
    for (SessionReport.Backend b : report.backends()) {
      ObjectNode node = backends.addObject();
      node.put("id", b.id().value());
      node.put("sessions", b.sessions());
      if (b.lastActivity() != null) {
        node.put("lastActivity", b.lastActivity().toString());
      }
      writeSketch(node.putObject("live"), b.live());
    }
    try {
      return json.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("writing a tree of plain values cannot fail", e);
    }
  }

  /** @throws IllegalArgumentException when the text is not a valid report */
  public SessionReport fromJson(String text) {
    JsonNode root;
    try {
      root = json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("a session report is a JSON object");
    }
    int schema = required(root, "schemaVersion").asInt(-1);
    if (schema != SCHEMA_VERSION) {
      throw new IllegalArgumentException("schemaVersion " + schema + " is not " + SCHEMA_VERSION);
    }
    String instance = required(root, "instance").asText();
    long snapshotVersion = required(root, "snapshotVersion").asLong();
    Instant generatedAt = instant(root, "generatedAt", "");
    List<SessionReport.Backend> backends = new ArrayList<>();
    JsonNode list = required(root, "backends");
    for (int i = 0; i < list.size(); i++) {
      backends.add(backend(list.get(i), "backends[" + i + "]"));
    }
    return new SessionReport(instance, snapshotVersion, generatedAt, backends);
  }

  private static SessionReport.Backend backend(JsonNode node, String path) {
    BackendId id;
    try {
      id = BackendId.of(required(node, "id", path).asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + ".id: " + e.getMessage());
    }
    Instant last = node.has("lastActivity") ? instant(node, "lastActivity", path) : null;
    return new SessionReport.Backend(id, required(node, "sessions", path).asInt(), last,
        sketch(required(node, "live", path), path + ".live"));
  }

  private static void writeSketch(ObjectNode node, DistinctSketch sketch) {
    if (sketch.isExact()) {
      ArrayNode keys = node.putArray("exact");
      for (long key : sketch.exactKeys()) {
        keys.add(HEX.toHexDigits(key));
      }
    } else {
      ObjectNode hll = node.putObject("hll");
      hll.put("precision", DistinctSketch.PRECISION);
      hll.put("registers", Base64.getEncoder().encodeToString(sketch.registers()));
    }
  }

  private static DistinctSketch sketch(JsonNode node, String path) {
    try {
      if (node.has("exact")) {
        DistinctSketch sketch = new DistinctSketch();
        for (JsonNode key : node.get("exact")) {
          String hex = key.asText();
          if (hex.length() != 16) {
            throw new IllegalArgumentException("exact keys are 16 hex digits, not '" + hex + "'");
          }
          sketch.addMixed(HexFormat.fromHexDigitsToLong(hex));
        }
        return sketch;
      }
      JsonNode hll = required(node, "hll", path);
      if (required(hll, "precision", path + ".hll").asInt() != DistinctSketch.PRECISION) {
        throw new IllegalArgumentException("precision must be " + DistinctSketch.PRECISION);
      }
      return DistinctSketch.ofRegisters(
          Base64.getDecoder().decode(required(hll, "registers", path + ".hll").asText()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + ": " + e.getMessage());
    }
  }

  private static Instant instant(JsonNode node, String field, String path) {
    try {
      return Instant.parse(required(node, field, path).asText());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          (path.isEmpty() ? "" : path + ".") + field + ": not an RFC 3339 time");
    }
  }

  private static JsonNode required(JsonNode node, String field) {
    return required(node, field, "");
  }

  private static JsonNode required(JsonNode node, String field, String path) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException((path.isEmpty() ? "" : path + ".") + field + " is missing");
    }
    return value;
  }
}
