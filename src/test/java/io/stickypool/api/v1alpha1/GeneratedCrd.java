package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The CRD the build generated from the api classes, read from the test classpath. */
final class GeneratedCrd {
  static final String RESOURCE = "/META-INF/fabric8/stickypools.stickypool.io-v1.yml";
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private GeneratedCrd() {}

  static JsonNode tree() {
    try (InputStream in = GeneratedCrd.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " missing: crd-generator did not run");
      }
      return YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode openApiSchema() {
    return tree().path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
  }

  /** Every x-kubernetes-validations entry in the schema, as rule → message. */
  static List<Map.Entry<String, String>> celRules() {
    List<Map.Entry<String, String>> rules = new ArrayList<>();
    collectRules(openApiSchema(), rules);
    return rules;
  }

  private static void collectRules(JsonNode schema, List<Map.Entry<String, String>> rules) {
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      rules.add(Map.entry(rule.get("rule").asText(), rule.get("message").asText()));
    }
    schema.path("properties").forEach(child -> collectRules(child, rules));
    if (schema.has("items")) {
      collectRules(schema.get("items"), rules);
    }
  }
}
