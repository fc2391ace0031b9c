package io.stickypool.operator.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Decides, without a client call, whether an object read from the server already is what the
 * operator wants, so that a reconcile that changes nothing writes nothing (and rolls nothing out).
 *
 * <p>Only what the operator sets counts: of the metadata its labels, the annotation keys it sets
 * and its ownerReferences; of the rest every field it sets ({@link TreeSubset}). A Secret's
 * {@code stringData} is compared with the server's {@code data}, where the API server moves it.
 */
public final class OwnedObjectMatcher {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final List<String> OWNED_METADATA = List.of("labels", "annotations", "ownerReferences");
  private static final String SECRET = "Secret";

  private OwnedObjectMatcher() {}

  /**
   * The dotted path of the first field that differs, empty when current already satisfies
   * desired. For a Secret any difference in its payload is reported as {@code data}, so the path
   * can be logged without naming or revealing key material.
   */
  public static Optional<String> firstDifference(HasMetadata desired, HasMetadata current) {
    ObjectNode want = tree(desired);
    ObjectNode have = tree(current);
    Optional<String> diff = TreeSubset.firstDifference(ownedMetadata(want), have.get("metadata"), "metadata");
    if (diff.isEmpty()) {
      want.remove("metadata");
      if (SECRET.equals(desired.getKind())) {
        moveStringDataToData(want);
      }
      diff = TreeSubset.firstDifference(want, have, "");
    }
    return diff.map(path -> SECRET.equals(desired.getKind()) && isPayload(path) ? "data" : path);
  }

  static ObjectNode tree(HasMetadata object) {
    return SERIALIZATION.convertValue(object, ObjectNode.class);
  }

  static <T extends HasMetadata> T object(JsonNode tree, Class<T> type) {
    return SERIALIZATION.convertValue(tree, type);
  }

  private static ObjectNode ownedMetadata(ObjectNode object) {
    ObjectNode metadata = object.objectNode();
    JsonNode all = object.path("metadata");
    OWNED_METADATA.stream().filter(all::has).forEach(field -> metadata.set(field, all.get(field)));
    return metadata;
  }

  /** The server stores stringData base64-encoded under data and never returns stringData. */
  private static void moveStringDataToData(ObjectNode secret) {
    JsonNode stringData = secret.remove("stringData");
    if (stringData == null || !stringData.isObject()) {
      return;
    }
    ObjectNode data = secret.withObjectProperty("data");
    stringData.fields().forEachRemaining(entry -> data.put(entry.getKey(), Base64.getEncoder()
        .encodeToString(entry.getValue().asText().getBytes(StandardCharsets.UTF_8))));
  }

  private static boolean isPayload(String path) {
    return path.startsWith("data") || path.startsWith("stringData");
  }
}
