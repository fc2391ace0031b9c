package io.stickypool.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * The object to PUT when an owned object differs, built from the one on the server so that what
 * other actors own survives: its resourceVersion (a stale write gets 409), uid, finalizers, other
 * labels and annotations (users', {@code deployment.kubernetes.io/revision}) and status.
 *
 * <p>Every top-level field the operator sets (spec, data, rules, subjects, roleRef...) is
 * replaced whole with the desired one; fields inside it that the server defaulted are defaulted
 * again on write. One exception: {@code spec.replicas}, the field of the scale subresource, keeps
 * the server's value when the desired object leaves it unset, so {@code kubectl scale} and an HPA
 * own the count of a pool that does not set one.
 */
public final class OwnedObjectUpdate {
  private static final List<String> MERGED_MAPS = List.of("labels", "annotations");

  private OwnedObjectUpdate() {}

  @SuppressWarnings("unchecked")
  public static <T extends HasMetadata> T mergedOnto(T current, HasMetadata desired) {
    ObjectNode merged = OwnedObjectMatcher.tree(current);
    ObjectNode want = OwnedObjectMatcher.tree(desired);
    JsonNode scaled = merged.path("spec").path("replicas");
    want.fields().forEachRemaining(field -> {
      if (!"metadata".equals(field.getKey())) {
        merged.set(field.getKey(), field.getValue());
      }
    });
    if (!scaled.isMissingNode() && merged.path("spec").isObject() && !merged.path("spec").has("replicas")) {
      ((ObjectNode) merged.get("spec")).set("replicas", scaled);
    }
    mergeMetadata(merged.withObjectProperty("metadata"), want.path("metadata"));
    return OwnedObjectMatcher.object(merged, (Class<T>) current.getClass());
  }

  private static void mergeMetadata(ObjectNode metadata, JsonNode want) {
    for (String map : MERGED_MAPS) {
      if (want.path(map).isObject()) {
        metadata.withObjectProperty(map).setAll((ObjectNode) want.get(map));
      }
    }
    // The operator is the controller: its ownerReferences replace whatever the object had.
    if (want.has("ownerReferences")) {
      metadata.set("ownerReferences", want.get("ownerReferences"));
    } else {
      metadata.remove("ownerReferences");
    }
  }
}
