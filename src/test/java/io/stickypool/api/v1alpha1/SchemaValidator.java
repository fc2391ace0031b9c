package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The subset of API-server validation our CRD uses: defaulting first, then type, required, enum,
 * pattern, lengths, bounds, unknown fields, and x-kubernetes-validations (CEL) on each node.
 * Unknown fields are errors here, although the API server would prune them, so a typo in a sample
 * fails the test instead of silently meaning "default".
 */
final class SchemaValidator {
  private final JsonNode rootSchema;
  private final CelRules cel = new CelRules();

  SchemaValidator(JsonNode openApiV3Schema) {
    this.rootSchema = openApiV3Schema;
  }

  /** Defaults {@code object} in place and returns every violation as "path: message". */
  List<String> validate(JsonNode object) {
    List<String> errors = new ArrayList<>();
    for (String field : List.of("spec", "status")) {
      JsonNode value = object.get(field);
      if (value != null) {
        applyDefaults(rootSchema.path("properties").path(field), value);
        check(rootSchema.path("properties").path(field), value, field, errors);
      }
    }
    return errors;
  }

  private static void applyDefaults(JsonNode schema, JsonNode value) {
    if (value instanceof ObjectNode object) {
      Iterator<Map.Entry<String, JsonNode>> props = schema.path("properties").fields();
      while (props.hasNext()) {
        Map.Entry<String, JsonNode> prop = props.next();
        if (!object.has(prop.getKey()) && prop.getValue().has("default")) {
          object.set(prop.getKey(), prop.getValue().get("default").deepCopy());
        }
        if (object.has(prop.getKey())) {
          applyDefaults(prop.getValue(), object.get(prop.getKey()));
        }
      }
    } else if (value.isArray() && schema.has("items")) {
      value.forEach(item -> applyDefaults(schema.get("items"), item));
    }
  }

  private void check(JsonNode schema, JsonNode value, String path, List<String> errors) {
    if (!hasType(schema, value)) {
      errors.add(path + ": must be of type " + schema.path("type").asText("int-or-string"));
      return;
    }
    checkScalar(schema, value, path, errors);
    if (value.isObject()) {
      checkObject(schema, value, path, errors);
    } else if (value.isArray()) {
      if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
        errors.add(path + ": must have at most " + schema.get("maxItems").asInt() + " items");
      }
      for (int i = 0; i < value.size(); i++) {
        check(schema.path("items"), value.get(i), path + "[" + i + "]", errors);
      }
    }
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      if (!cel.holds(rule.get("rule").asText(), value)) {
        errors.add(path + ": " + rule.get("message").asText());
      }
    }
  }

  private void checkObject(JsonNode schema, JsonNode value, String path, List<String> errors) {
    for (JsonNode required : schema.path("required")) {
      if (!value.has(required.asText())) {
        errors.add(path + "." + required.asText() + ": Required value");
      }
    }
    Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode fieldSchema = schema.path("properties").get(field.getKey());
      if (fieldSchema == null) {
        fieldSchema = schema.get("additionalProperties");
      }
      if (fieldSchema == null) {
        errors.add(path + "." + field.getKey() + ": field not declared in schema");
      } else {
        check(fieldSchema, field.getValue(), path + "." + field.getKey(), errors);
      }
    }
  }

  private static void checkScalar(JsonNode schema, JsonNode value, String path, List<String> errors) {
    if (schema.has("enum") && !contains(schema.get("enum"), value)) {
      errors.add(path + ": Unsupported value " + value + ", supported values: " + schema.get("enum"));
    }
    if (value.isTextual()) {
      String text = value.asText();
      if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(text).find()) {
        errors.add(path + ": should match '" + schema.get("pattern").asText() + "'");
      }
      if (schema.has("minLength") && text.length() < schema.get("minLength").asInt()) {
        errors.add(path + ": should be at least " + schema.get("minLength").asInt() + " chars long");
      }
      if (schema.has("maxLength") && text.length() > schema.get("maxLength").asInt()) {
        errors.add(path + ": may not be more than " + schema.get("maxLength").asInt() + " chars");
      }
    }
    if (value.isNumber()) {
      if (schema.has("minimum") && value.doubleValue() < schema.get("minimum").asDouble()) {
        errors.add(path + ": should be greater than or equal to " + schema.get("minimum").asDouble());
      }
      if (schema.has("maximum") && value.doubleValue() > schema.get("maximum").asDouble()) {
        errors.add(path + ": should be less than or equal to " + schema.get("maximum").asDouble());
      }
    }
  }

  private static boolean hasType(JsonNode schema, JsonNode value) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
      return value.isIntegralNumber() || value.isTextual();
    }
    return switch (schema.path("type").asText("")) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      default -> true;
    };
  }

  private static boolean contains(JsonNode array, JsonNode value) {
    for (JsonNode candidate : array) {
      if (candidate.equals(value)) {
        return true;
      }
    }
    return false;
  }
}
