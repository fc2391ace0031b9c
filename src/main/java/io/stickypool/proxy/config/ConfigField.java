package io.stickypool.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.stickypool.contract.GoDurations;
import io.stickypool.contract.SnapshotFormatException;
import io.stickypool.contract.SourceTree;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;

/**
 * One field of the {@code proxy:} block, possibly absent, with its path. Typed reads return the
 * value or the default, or throw a {@link SnapshotFormatException} naming the path and, from the
 * {@link SourceTree}, the line and column. Null counts as absent, as in the snapshot reader.
 */
final class ConfigField {
  private final SourceTree source;
  private final ConfigField parent;
  private final JsonNode node;
  private final String path;

  private ConfigField(SourceTree source, ConfigField parent, JsonNode node, String path) {
    this.source = source;
    this.parent = parent;
    this.node = node == null || node.isNull() ? null : node;
    this.path = path;
  }

  static ConfigField topLevel(SourceTree source, String name) {
    return new ConfigField(source, null, source.root().get(name), name);
  }

  boolean present() {
    return node != null;
  }

  ConfigField field(String name) {
    return new ConfigField(source, this, node == null ? null : node.get(name), path + "." + name);
  }

  /** Checks that this is an object (or absent) whose fields are all in {@code allowed}. */
  ConfigField object(List<String> allowed) throws SnapshotFormatException {
    if (node == null) {
      return this;
    }
    if (!node.isObject()) {
      throw error("expected an object, got " + describe());
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw field(name).error("unknown field; expected one of " + String.join(", ", allowed));
      }
    }
    return this;
  }

  String text(String absent) throws SnapshotFormatException {
    if (node == null) {
      return absent;
    }
    if (!node.isTextual() || node.textValue().isBlank()) {
      throw error("expected a non-blank string, got " + describe());
    }
    return node.textValue();
  }

  int integer(int min, int max, int absent) throws SnapshotFormatException {
    if (node == null) {
      return absent;
    }
    String range = max == Integer.MAX_VALUE ? min + " or more" : min + ".." + max;
    if (!node.isIntegralNumber()) {
      throw error("expected an integer " + range + ", got " + describe());
    }
    if (!node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
      throw error(node.asText() + " is not " + range);
    }
    return node.intValue();
  }

  /** A GEP-2257 duration greater than zero. */
  Duration duration(Duration absent) throws SnapshotFormatException {
    String text = text(null);
    if (text == null) {
      return absent;
    }
    Duration value;
    try {
      value = GoDurations.parse(text);
    } catch (IllegalArgumentException e) {
      throw error(e.getMessage());
    }
    if (value.isZero()) {
      throw error("must be greater than 0s");
    }
    return value;
  }

  HostPort hostPort(HostPort absent) throws SnapshotFormatException {
    String text = text(null);
    if (text == null) {
      return absent;
    }
    try {
      return HostPort.parse(text);
    } catch (IllegalArgumentException e) {
      throw error("'" + text + "': " + e.getMessage());
    }
  }

  /** A file path; a relative one is resolved against {@code base}, the config file's directory. */
  Path file(Path base) throws SnapshotFormatException {
    String text = text(null);
    if (text == null) {
      return null;
    }
    try {
      return base.resolve(text).normalize();
    } catch (InvalidPathException e) {
      throw error("'" + text + "' is not a valid path: " + e.getReason());
    }
  }

  /** An error at this path, placed at this value or, when it is absent, at its nearest parent. */
  SnapshotFormatException error(String problem) {
    ConfigField at = this;
    while (at.parent != null && source.positionOf(at.path).isEmpty()) {
      at = at.parent;
    }
    return new SnapshotFormatException(path, problem, source.positionOf(at.path).orElse(null));
  }

  private String describe() {
    if (node.isTextual()) {
      return "string \"" + node.textValue() + "\"";
    }
    if (node.isValueNode()) {
      return node.asText();
    }
    return node.isObject() ? "an object" : "an array";
  }
}
