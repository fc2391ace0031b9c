package io.stickypool.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAPI v3 documents kubectl reads, generated from the CRDs: {@code /openapi/v3} (the index)
 * and one document per custom group version with its kinds' schemas ({@code kubectl explain}) and
 * a PATCH operation per kind that takes {@code fieldValidation}, so kubectl leaves validation to the
 * server ({@link SchemaValidation}) as it does with a real one. The built-in group versions list
 * their kinds' PATCH operations the same way, without schemas. There
 * is no {@code /openapi/v2}: kubectl reads it as protobuf, and it needs it only when v3 is missing.
 */
final class OpenApiDocuments {
  private static final String HASH = "stickypool-sandbox";
  private final ObjectMapper mapper = new ObjectMapper();
  /** "apis/G/V" or "api/v1" to its document. */
  private final Map<String, String> documents = new LinkedHashMap<>();

  OpenApiDocuments(List<CustomResourceDefinition> crds, Map<String, Map<String, String>> kinds) {
    Map<String, ObjectNode> docs = new LinkedHashMap<>();
    kinds.forEach((groupVersion, byPlural) -> {
      String gv = groupVersion.contains("/") ? "apis/" + groupVersion : "api/" + groupVersion;
      String group = groupVersion.contains("/") ? groupVersion.substring(0, groupVersion.indexOf('/')) : "";
      String version = groupVersion.substring(groupVersion.indexOf('/') + 1);
      ObjectNode doc = docs.computeIfAbsent(gv, g -> document());
      byPlural.forEach((plural, kind) -> patchPath(doc, "/" + gv + "/namespaces/{namespace}/" + plural + "/{name}",
          group, version, kind));
    });
    for (CustomResourceDefinition crd : crds) {
      var spec = crd.getSpec();
      for (CustomResourceDefinitionVersion v : spec.getVersions()) {
        if (!Boolean.TRUE.equals(v.getServed()) || v.getSchema() == null) {
          continue;
        }
        String gv = "apis/" + spec.getGroup() + "/" + v.getName();
        ObjectNode doc = docs.computeIfAbsent(gv, g -> document());
        ObjectNode schema = mapper.valueToTree(v.getSchema().getOpenAPIV3Schema());
        ObjectNode props = schema.with("properties");
        props.putIfAbsent("apiVersion", mapper.createObjectNode().put("type", "string").put("description",
            "APIVersion defines the versioned schema of this representation of an object."));
        props.putIfAbsent("kind", mapper.createObjectNode().put("type", "string").put("description",
            "Kind is a string value representing the REST resource this object represents."));
        props.putIfAbsent("metadata", mapper.createObjectNode().put("type", "object").put("description",
            "Standard object's metadata."));
        schema.set("x-kubernetes-group-version-kind", gvk(spec.getGroup(), v.getName(), spec.getNames().getKind()));
        doc.with("components").with("schemas").set(modelName(spec.getGroup(), v.getName(), spec.getNames().getKind()), schema);
      }
    }
    docs.forEach((gv, doc) -> documents.put(gv, doc.toString()));
  }

  /** {@code io.stickypool.v1alpha1.StickyPool}: the reversed group, as the API server names models. */
  private static String modelName(String group, String version, String kind) {
    List<String> parts = new java.util.ArrayList<>(List.of(group.split("\\.")));
    java.util.Collections.reverse(parts);
    return String.join(".", parts) + "." + version + "." + kind;
  }

  private ObjectNode document() {
    ObjectNode doc = mapper.createObjectNode().put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
    doc.putObject("paths");
    return doc;
  }

  private void patchPath(ObjectNode doc, String path, String group, String version, String kind) {
    ObjectNode patch = doc.with("paths").putObject(path).putObject("patch");
    patch.put("operationId", "patch" + kind);
    patch.set("x-kubernetes-group-version-kind", gvk(group, version, kind).get(0));
    patch.putArray("parameters").addObject().put("name", "fieldValidation").put("in", "query")
        .put("description", "Strict: unknown or duplicate fields are an error.").putObject("schema").put("type", "string");
    ObjectNode content = patch.putObject("requestBody").putObject("content");
    content.putObject("application/merge-patch+json").putObject("schema").put("type", "object");
    content.putObject("application/json-patch+json").putObject("schema").put("type", "object");
  }

  private ArrayNode gvk(String group, String version, String kind) {
    ArrayNode list = mapper.createArrayNode();
    list.addObject().put("group", group).put("version", version).put("kind", kind);
    return list;
  }

  /** {@code /openapi/v3}: where each group version's document is. */
  String index() {
    ObjectNode paths = mapper.createObjectNode();
    documents.keySet().forEach(gv -> paths.putObject(gv).put("serverRelativeURL", "/openapi/v3/" + gv + "?hash=" + HASH));
    return mapper.createObjectNode().<ObjectNode>set("paths", paths).toString();
  }

  /** The document at {@code /openapi/v3/GV}, if there is one. */
  Optional<String> document(String path) {
    return Optional.ofNullable(documents.get(path.substring("/openapi/v3/".length())));
  }

  /** The schema of a custom kind at this group version, for validation. */
  Optional<JsonNode> schema(String group, String version, String kind) {
    return Optional.ofNullable(documents.get("apis/" + group + "/" + version)).map(d -> {
      try {
        return mapper.readTree(d).path("components").path("schemas").path(modelName(group, version, kind));
      } catch (Exception e) {
        return null;
      }
    }).filter(JsonNode::isObject);
  }
}
