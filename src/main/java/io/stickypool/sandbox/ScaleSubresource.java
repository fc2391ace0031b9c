package io.stickypool.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * The {@code /scale} subresource of Deployments and StatefulSets, which {@code kubectl scale}
 * uses. The CRUD mock already applies a patch sent to {@code .../scale} to the workload itself,
 * but answers with the workload, which kubectl refuses: it expects an autoscaling/v1 Scale. This
 * turns the mock's answer into one.
 */
final class ScaleSubresource {
  private static final Pattern PATH = Pattern.compile(
      "/apis/apps/v1/namespaces/[^/]+/(deployments|statefulsets)/[^/]+/scale");
  private static final ObjectMapper JSON = new ObjectMapper();

  private ScaleSubresource() {}

  static boolean matches(String path) {
    return PATH.matcher(path).matches();
  }

  /** The Scale of the workload JSON {@code workload}. */
  static String scaleOf(String workload) throws JsonProcessingException {
    JsonNode w = JSON.readTree(workload);
    ObjectNode scale = JSON.createObjectNode();
    scale.put("apiVersion", "autoscaling/v1");
    scale.put("kind", "Scale");
    ObjectNode meta = scale.putObject("metadata");
    for (String field : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
      if (w.path("metadata").has(field)) {
        meta.set(field, w.path("metadata").get(field));
      }
    }
    int replicas = w.path("spec").path("replicas").asInt(1);
    scale.putObject("spec").put("replicas", replicas);
    ObjectNode status = scale.putObject("status");
    status.put("replicas", w.path("status").path("replicas").asInt(0));
    status.put("selector", selector(w.path("spec").path("selector").path("matchLabels")));
    return JSON.writeValueAsString(scale);
  }

  private static String selector(JsonNode matchLabels) {
    StringJoiner s = new StringJoiner(",");
    for (Iterator<Map.Entry<String, JsonNode>> it = matchLabels.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> label = it.next();
      s.add(label.getKey() + "=" + label.getValue().asText());
    }
    return s.toString();
  }
}
