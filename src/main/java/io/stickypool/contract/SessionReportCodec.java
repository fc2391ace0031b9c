package io.stickypool.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.session.DistinctSketch;
import io.stickypool.core.session.RepinReason;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * JSON form of a {@link SessionReport} (docs/session-report.md). Exact sessions are a list of
 * 16-hex-digit mixed keys with a parallel list of pin times, an HLL sketch its registers in
 * base64. Writes schema 2; reads 1 too (exact keys without pin times, nothing moved), so an
 * operator reads proxies of the previous release during an upgrade. Reading is strict: anything
 * malformed is an {@link IllegalArgumentException} naming the field, and the operator then treats
 * that proxy's figures as missing rather than wrong.
 */
public final class SessionReportCodec {
  public static final int SCHEMA_VERSION = 2;
  private static final int FIRST_SCHEMA_VERSION = 1;
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
      ObjectNode live = node.putObject("live");
      if (b.exact() != null) {
        writePins(live, b.exact());
      } else {
        ObjectNode hll = live.putObject("hll");
        hll.put("precision", DistinctSketch.PRECISION);
        hll.put("registers", Base64.getEncoder().encodeToString(b.hll().registers()));
      }
      if (!b.moved().isEmpty()) {
        ArrayNode moved = node.putArray("moved");
        for (SessionReport.Moved m : b.moved()) {
          ObjectNode entry = moved.addObject();
          entry.put("from", m.from().value());
          entry.put("reason", WireEnum.REPIN_REASON.name(m.reason()));
          writePins(entry, m.pins());
        }
      }
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
    if (schema < FIRST_SCHEMA_VERSION || schema > SCHEMA_VERSION) {
      throw new IllegalArgumentException(
          "schemaVersion " + schema + " is not within " + FIRST_SCHEMA_VERSION + ".." + SCHEMA_VERSION);
    }
    String instance = required(root, "instance").asText();
    long snapshotVersion = required(root, "snapshotVersion").asLong();
    Instant generatedAt = instant(root, "generatedAt", "");
    List<SessionReport.Backend> backends = new ArrayList<>();
    JsonNode list = required(root, "backends");
    for (int i = 0; i < list.size(); i++) {
      backends.add(backend(list.get(i), "backends[" + i + "]", schema));
    }
    return new SessionReport(instance, snapshotVersion, generatedAt, backends);
  }

  private static SessionReport.Backend backend(JsonNode node, String path, int schema) {
    BackendId id = id(required(node, "id", path), path + ".id");
    Instant last = node.has("lastActivity") ? instant(node, "lastActivity", path) : null;
    int sessions = required(node, "sessions", path).asInt();
    JsonNode live = required(node, "live", path);
    List<SessionReport.Moved> moved = new ArrayList<>();
    JsonNode list = node.path("moved");
    for (int i = 0; i < list.size(); i++) {
      moved.add(moved(list.get(i), path + ".moved[" + i + "]"));
    }
    if (live.has("exact")) {
      return new SessionReport.Backend(id, sessions, last, pins(live, path + ".live", schema), null, moved);
    }
    return new SessionReport.Backend(id, sessions, last, null, hll(live, path + ".live"), moved);
  }

  private static SessionReport.Moved moved(JsonNode node, String path) {
    BackendId from = id(required(node, "from", path), path + ".from");
    String reasonName = required(node, "reason", path).asText();
    RepinReason reason = WireEnum.REPIN_REASON.valueOf(reasonName);
    if (reason == null) {
      throw new IllegalArgumentException(path + ".reason: '" + reasonName + "' is not one of "
          + WireEnum.REPIN_REASON.choices());
    }
    return new SessionReport.Moved(from, reason, pins(node, path, SCHEMA_VERSION));
  }

  private static void writePins(ObjectNode node, SessionReport.Pins pins) {
    ArrayNode keys = node.putArray("exact");
    ArrayNode times = node.putArray("pinnedAt");
    for (int i = 0; i < pins.size(); i++) {
      keys.add(HEX.toHexDigits(pins.keys()[i]));
      times.add(pins.pinnedAt()[i]);
    }
  }

  /** {@code exact} keys and, from schema 2 on, their {@code pinnedAt} times (epoch millis). */
  private static SessionReport.Pins pins(JsonNode node, String path, int schema) {
    JsonNode exact = required(node, "exact", path);
    long[] keys = new long[exact.size()];
    for (int i = 0; i < keys.length; i++) {
      String hex = exact.get(i).asText();
      if (hex.length() != 16) {
        throw new IllegalArgumentException(path + ": exact keys are 16 hex digits, not '" + hex + "'");
      }
      try {
        keys[i] = HexFormat.fromHexDigitsToLong(hex);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(path + ": exact keys are 16 hex digits, not '" + hex + "'");
      }
    }
    long[] times = new long[keys.length];
    if (schema > FIRST_SCHEMA_VERSION) {
      JsonNode pinnedAt = required(node, "pinnedAt", path);
      if (pinnedAt.size() != keys.length) {
        throw new IllegalArgumentException(
            path + ".pinnedAt: " + pinnedAt.size() + " times for " + keys.length + " keys");
      }
      for (int i = 0; i < keys.length; i++) {
        if (!pinnedAt.get(i).canConvertToLong()) {
          throw new IllegalArgumentException(path + ".pinnedAt[" + i + "]: not epoch milliseconds");
        }
        times[i] = pinnedAt.get(i).asLong();
      }
    }
    return new SessionReport.Pins(keys, times);
  }

  private static DistinctSketch hll(JsonNode node, String path) {
    try {
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

  private static BackendId id(JsonNode node, String path) {
    try {
      return BackendId.of(node.asText());
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
