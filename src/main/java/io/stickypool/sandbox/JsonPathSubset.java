package io.stickypool.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The slice of Kubernetes JSONPath that printer columns use: dotted fields and one equality
 * filter per step, e.g. {@code .status.conditions[?(@.type=="Ready")].status}. Anything else
 * yields no value rather than an error, the way an absent field does.
 */
final class JsonPathSubset {
  private static final Pattern STEP =
      Pattern.compile("\\.([A-Za-z0-9_-]+)(?:\\[\\?\\(@\\.([A-Za-z0-9_-]+)==\"([^\"]*)\"\\)\\])?");

  private JsonPathSubset() {}

  /** The first value the path selects, or null. */
  static JsonNode first(JsonNode root, String path) {
    List<JsonNode> current = List.of(root);
    Matcher m = STEP.matcher(path);
    int at = 0;
    while (at < path.length()) {
      if (!m.find(at) || m.start() != at) {
        return null;
      }
      current = step(current, m.group(1), m.group(2), m.group(3));
      at = m.end();
    }
    return current.isEmpty() ? null : current.get(0);
  }

  private static List<JsonNode> step(List<JsonNode> nodes, String field, String key, String value) {
    List<JsonNode> next = new ArrayList<>();
    for (JsonNode n : nodes) {
      JsonNode child = n.get(field);
      if (child == null) {
        continue;
      }
      if (key == null) {
        next.add(child);
      } else {
        child.forEach(e -> {
          if (value.equals(e.path(key).asText(null))) {
            next.add(e);
          }
        });
      }
    }
    return next;
  }
}
