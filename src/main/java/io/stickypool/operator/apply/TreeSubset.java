package io.stickypool.operator.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * "Desired is a subset of actual" over Jackson trees: every field desired sets must be equal in
 * actual, and fields only actual has (server defaults, other actors' additions) are ignored.
 * Arrays must have the same length and match element by element (a longer port list or rule list
 * on the server is a real difference), except the lists the API server merges by name (containers,
 * volumes, env, volume mounts): there every element desired names must match the one of that name,
 * and elements others added (a mesh's injected container) are theirs.
 *
 * <p>Resource quantities compare by value: the API server canonicalises {@code 1000m} to
 * {@code 1} and {@code 128Mi} may come back in another unit, which must not look like a change.
 */
public final class TreeSubset {
  private TreeSubset() {}

  /** The dotted path of the first field desired sets that actual lacks or holds differently. */
  public static Optional<String> firstDifference(JsonNode desired, JsonNode actual, String path) {
    // An empty struct the operator sets may be dropped by the server; it carries no value.
    if (desired == null || desired.isNull() || (desired.isContainerNode() && desired.isEmpty()
        && (actual == null || actual.isNull()))) {
      return Optional.empty();
    }
    if (actual == null || actual.isNull() || actual.getNodeType() != desired.getNodeType()) {
      return scalarsMatch(desired, actual, path) ? Optional.empty() : Optional.of(path);
    }
    if (desired.isObject()) {
      return objectDifference(desired, actual, path);
    }
    if (desired.isArray()) {
      return arrayDifference(desired, actual, path);
    }
    return scalarsMatch(desired, actual, path) ? Optional.empty() : Optional.of(path);
  }

  private static Optional<String> objectDifference(JsonNode desired, JsonNode actual, String path) {
    Iterator<Map.Entry<String, JsonNode>> fields = desired.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
      Optional<String> diff = firstDifference(field.getValue(), actual.get(field.getKey()), child);
      if (diff.isPresent()) {
        return diff;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> arrayDifference(JsonNode desired, JsonNode actual, String path) {
    if (mergedByName(path, desired)) {
      return namedElementsDifference(desired, actual, path);
    }
    if (desired.size() != actual.size()) {
      return Optional.of(path);
    }
    for (int i = 0; i < desired.size(); i++) {
      Optional<String> diff = firstDifference(desired.get(i), actual.get(i), path + "[" + i + "]");
      if (diff.isPresent()) {
        return diff;
      }
    }
    return Optional.empty();
  }

  private static final java.util.Set<String> MERGED_BY_NAME =
      java.util.Set.of("containers", "initContainers", "volumes", "env", "volumeMounts");

  private static boolean mergedByName(String path, JsonNode desired) {
    String field = path.substring(path.lastIndexOf('.') + 1);
    if (!MERGED_BY_NAME.contains(field)) {
      return false;
    }
    for (JsonNode element : desired) {
      if (!element.path("name").isTextual()) {
        return false;
      }
    }
    return true;
  }

  private static Optional<String> namedElementsDifference(JsonNode desired, JsonNode actual, String path) {
    for (JsonNode want : desired) {
      String name = want.get("name").asText();
      JsonNode have = null;
      for (JsonNode candidate : actual) {
        if (name.equals(candidate.path("name").asText(null))) {
          have = candidate;
        }
      }
      Optional<String> diff = firstDifference(want, have, path + "[" + name + "]");
      if (diff.isPresent()) {
        return diff;
      }
    }
    return Optional.empty();
  }

  private static boolean scalarsMatch(JsonNode desired, JsonNode actual, String path) {
    if (actual == null || actual.isNull()) {
      return false;
    }
    if (desired.isNumber() && actual.isNumber()) {
      return desired.decimalValue().compareTo(actual.decimalValue()) == 0;
    }
    if (isQuantity(path) && desired.isValueNode() && actual.isValueNode()) {
      return sameQuantity(desired.asText(), actual.asText());
    }
    return desired.equals(actual);
  }

  private static boolean isQuantity(String path) {
    return path.contains("resources.limits.") || path.contains("resources.requests.");
  }

  private static boolean sameQuantity(String desired, String actual) {
    try {
      BigDecimal want = Quantity.getAmountInBytes(Quantity.parse(desired));
      BigDecimal have = Quantity.getAmountInBytes(Quantity.parse(actual));
      return want.compareTo(have) == 0;
    } catch (IllegalArgumentException | ArithmeticException e) {
      return desired.equals(actual);
    }
  }
}
