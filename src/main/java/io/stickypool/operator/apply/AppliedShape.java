package io.stickypool.operator.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A digest of everything the operator sets on an object, written as an annotation beside it. The
 * cache comparison ({@link OwnedObjectMatcher}) sees a field the operator sets that someone else
 * changed, but not one the operator stopped setting (a volume taken out of the pool's spec): that
 * shows only as a new digest, and the next server-side apply, which lists every field the operator
 * still owns, removes the field.
 */
public final class AppliedShape {
  public static final String ANNOTATION = "stickypool.io/applied-shape";

  private AppliedShape() {}

  /** Puts the digest of {@code desired} on it (computed without the annotation itself). */
  public static <R extends HasMetadata> R stamp(R desired) {
    Map<String, String> annotations = desired.getMetadata().getAnnotations() == null
        ? new LinkedHashMap<>() : new LinkedHashMap<>(desired.getMetadata().getAnnotations());
    annotations.remove(ANNOTATION);
    desired.getMetadata().setAnnotations(annotations.isEmpty() ? null : annotations);
    String digest = digest(OwnedObjectMatcher.tree(desired));
    annotations.put(ANNOTATION, digest);
    desired.getMetadata().setAnnotations(annotations);
    return desired;
  }

  static String digest(JsonNode tree) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(canonical(tree).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** JSON with object fields in name order, so that map order never changes the digest. */
  private static String canonical(JsonNode node) {
    if (node.isObject()) {
      Map<String, JsonNode> sorted = new TreeMap<>();
      ((ObjectNode) node).fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
      StringBuilder out = new StringBuilder("{");
      sorted.forEach((k, v) -> out.append(out.length() > 1 ? "," : "")
          .append(com.fasterxml.jackson.databind.node.TextNode.valueOf(k)).append(':').append(canonical(v)));
      return out.append('}').toString();
    }
    if (node.isArray()) {
      StringBuilder out = new StringBuilder("[");
      node.forEach(v -> out.append(out.length() > 1 ? "," : "").append(canonical(v)));
      return out.append(']').toString();
    }
    return node.toString();
  }
}
