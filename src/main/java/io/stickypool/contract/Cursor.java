package io.stickypool.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * One place in a {@link SourceTree}: a node (possibly absent) and its path. Typed reads either
 * return a value or throw a {@link SnapshotFormatException} that names this path and what was
 * expected. JSON null counts as absent, so optional fields may be written as null.
 */
final class Cursor {
  private final SourceTree source;
  private final Cursor parent;
  private final JsonNode node;
  private final String path;

  private Cursor(SourceTree source, Cursor parent, JsonNode node, String path) {
    this.source = source;
    this.parent = parent;
    this.node = node == null || node.isNull() || node.isMissingNode() ? null : node;
    this.path = path;
  }

  static Cursor root(SourceTree source) {
    return new Cursor(source, null, source.root(), "");
  }

  String path() {
    return path;
  }

  boolean present() {
    return node != null;
  }

  Cursor field(String name) {
    JsonNode child = node == null ? null : node.get(name);
    return new Cursor(source, this, child, SourceTree.fieldPath(path, name));
  }

  Cursor required() throws SnapshotFormatException {
    if (node == null) {
      throw error("required field is missing");
    }
    return this;
  }

  /**
   * Checks that this is an object (or absent) with no fields beyond {@code allowed} and {@code
   * tolerated}; a misspelt field must fail loudly rather than silently fall back to a default.
   */
  Cursor object(List<String> allowed, Set<String> tolerated) throws SnapshotFormatException {
    if (node == null) {
      return this;
    }
    if (!node.isObject()) {
      throw error("expected an object, got " + describe(node));
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name) && !tolerated.contains(name)) {
        throw field(name).error("unknown field; expected one of " + String.join(", ", allowed));
      }
    }
    return this;
  }

  Cursor object(List<String> allowed) throws SnapshotFormatException {
    return object(allowed, Set.of());
  }

  List<Cursor> elements() throws SnapshotFormatException {
    List<Cursor> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    if (!node.isArray()) {
      throw error("expected an array, got " + describe(node));
    }
    for (int i = 0; i < node.size(); i++) {
      out.add(new Cursor(source, this, node.get(i), SourceTree.elementPath(path, i)));
    }
    return out;
  }

  /** A required string that is not blank. */
  String text() throws SnapshotFormatException {
    String value = text(null);
    if (value == null) {
      throw error("required field is missing");
    }
    if (value.isBlank()) {
      throw error("must not be blank");
    }
    return value;
  }

  String text(String absent) throws SnapshotFormatException {
    if (node == null) {
      return absent;
    }
    if (!node.isTextual()) {
      throw error("expected a string, got " + describe(node));
    }
    return node.textValue();
  }

  boolean bool(boolean absent) throws SnapshotFormatException {
    if (node == null) {
      return absent;
    }
    if (!node.isBoolean()) {
      throw error("expected true or false, got " + describe(node));
    }
    return node.booleanValue();
  }

  long integer(long min, long max, long absent) throws SnapshotFormatException {
    if (node == null) {
      return absent;
    }
    String range = max == Long.MAX_VALUE ? min + " or more" : min + ".." + max;
    if (!node.isIntegralNumber()) {
      throw error("expected an integer " + range + ", got " + describe(node));
    }
    if (!node.canConvertToLong()) {
      throw error(node.asText() + " is too large (expected " + range + ")");
    }
    if (node.longValue() < min || node.longValue() > max) {
      throw error(node.asText() + " is not " + range);
    }
    return node.longValue();
  }

  double number(double absent) throws SnapshotFormatException {
    if (node == null) {
      return absent;
    }
    if (!node.isNumber()) {
      throw error("expected a number, got " + describe(node));
    }
    return node.doubleValue();
  }

  <E extends Enum<E>> E oneOf(WireEnum<E> spelling, E absent) throws SnapshotFormatException {
    String name = text(null);
    if (name == null) {
      return absent;
    }
    E value = spelling.valueOf(name);
    if (value == null) {
      throw error("\"" + name + "\" is not one of " + spelling.choices());
    }
    return value;
  }

  Duration duration(Duration absent) throws SnapshotFormatException {
    String text = text(null);
    if (text == null) {
      return absent;
    }
    try {
      return GoDurations.parse(text);
    } catch (IllegalArgumentException e) {
      throw error(e.getMessage());
    }
  }

  /** An RFC 3339 timestamp with an offset, such as {@code 2025-06-01T12:00:00Z}, or null. */
  Instant instantOrNull() throws SnapshotFormatException {
    String text = text(null);
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw error("'" + text + "' is not an RFC 3339 timestamp such as 2025-06-01T12:00:00Z");
    }
  }

  /** An error at this path, placed at this value or, when it is absent, at its nearest parent. */
  SnapshotFormatException error(String problem) {
    Cursor at = this;
    while (at.parent != null && source.positionOf(at.path).isEmpty()) {
      at = at.parent;
    }
    return new SnapshotFormatException(path, problem, source.positionOf(at.path).orElse(null));
  }

  private static String describe(JsonNode node) {
    if (node.isTextual()) {
      return "string \"" + node.textValue() + "\"";
    }
    if (node.isNumber()) {
      return "number " + node.asText();
    }
    if (node.isBoolean()) {
      return node.asText();
    }
    return node.isObject() ? "an object" : node.isArray() ? "an array" : node.getNodeType().name();
  }
}
