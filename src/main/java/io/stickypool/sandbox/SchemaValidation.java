package io.stickypool.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks a custom resource against its CRD's structural schema the way the API server does
 * before storing it, with the same field paths and wording: types, enums, required fields,
 * patterns, lengths and bounds, and (under {@code fieldValidation=Strict}) unknown fields. The CEL
 * rules ({@code x-kubernetes-validations}) and formats are not evaluated. Pure.
 */
final class SchemaValidation {
  /** One problem, as a Status cause: the field path, the API server's reason, its message. */
  record Cause(String field, String reason, String message) {
    String text() {
      return field + ": " + message;
    }
  }

  private SchemaValidation() {}

  static List<Cause> validate(JsonNode object, JsonNode schema, boolean strict) {
    List<Cause> causes = new ArrayList<>();
    check(object, schema, "", strict, causes);
    return causes;
  }

  private static void check(JsonNode v, JsonNode s, String path, boolean strict, List<Cause> out) {
    if (v == null || v.isMissingNode()) {
      return;
    }
    if (v.isNull()) {
      return; // the API server prunes nulls of fields that are not nullable before it validates
    }
    if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (!v.isIntegralNumber() && !v.isTextual()) {
        out.add(typeError(path, v, "integer or string"));
      }
      return;
    }
    String type = s.path("type").asText("");
    if (!type.isEmpty() && !hasType(v, type)) {
      out.add(typeError(path, v, type));
      return;
    }
    if (s.has("enum") && !contains(s.get("enum"), v)) {
      out.add(new Cause(path, "FieldValueNotSupported", "Unsupported value: " + v + ": supported values: "
          + stream(s.get("enum")).map(JsonNode::toString).collect(Collectors.joining(", "))));
    }
    if (v.isTextual()) {
      text(v.asText(), s, path, out);
    } else if (v.isNumber()) {
      number(v, s, path, out);
    } else if (v.isArray()) {
      if (s.has("items")) {
        for (int i = 0; i < v.size(); i++) {
          check(v.get(i), s.get("items"), path + "[" + i + "]", strict, out);
        }
      }
    } else if (v.isObject()) {
      object(v, s, path, strict, out);
    }
  }

  private static void object(JsonNode v, JsonNode s, String path, boolean strict, List<Cause> out) {
    for (JsonNode r : iterable(s.path("required"))) {
      if (!v.has(r.asText())) {
        out.add(new Cause(join(path, r.asText()), "FieldValueRequired", "Required value"));
      }
    }
    JsonNode props = s.path("properties");
    boolean open = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false) || s.has("additionalProperties")
        || !s.has("properties") || path.equals(".metadata") || path.equals("metadata");
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String p = join(path, f.getKey());
      if (props.has(f.getKey())) {
        check(f.getValue(), props.get(f.getKey()), p, strict, out);
      } else if (s.path("additionalProperties").isObject()) {
        check(f.getValue(), s.get("additionalProperties"), p, strict, out);
      } else if (strict && !open) {
        out.add(new Cause(p, "FieldValueInvalid", "unknown field \"" + p + "\""));
      }
    }
  }

  private static void text(String t, JsonNode s, String path, List<Cause> out) {
    if (s.has("pattern") && !Pattern.compile(s.get("pattern").asText()).matcher(t).find()) {
      out.add(new Cause(path, "FieldValueInvalid", "Invalid value: \"" + t + "\": " + path + " in body should match '"
          + s.get("pattern").asText() + "'"));
    }
    if (s.has("maxLength") && t.length() > s.get("maxLength").asInt()) {
      out.add(new Cause(path, "FieldValueTooLong", "Too long: may not be more than " + s.get("maxLength").asInt()
          + " bytes"));
    }
    if (s.has("minLength") && t.length() < s.get("minLength").asInt()) {
      out.add(new Cause(path, "FieldValueInvalid", "Invalid value: \"" + t + "\": " + path
          + " in body should be at least " + s.get("minLength").asInt() + " chars long"));
    }
  }

  private static void number(JsonNode v, JsonNode s, String path, List<Cause> out) {
    if (s.has("minimum") && v.asDouble() < s.get("minimum").asDouble()) {
      out.add(new Cause(path, "FieldValueInvalid", "Invalid value: " + v + ": " + path
          + " in body should be greater than or equal to " + s.get("minimum")));
    }
    if (s.has("maximum") && v.asDouble() > s.get("maximum").asDouble()) {
      out.add(new Cause(path, "FieldValueInvalid", "Invalid value: " + v + ": " + path
          + " in body should be less than or equal to " + s.get("maximum")));
    }
  }

  private static Cause typeError(String path, JsonNode v, String type) {
    String actual = v.isTextual() ? "string" : v.isIntegralNumber() ? "integer" : v.isNumber() ? "number"
        : v.isBoolean() ? "boolean" : v.isArray() ? "array" : "object";
    return new Cause(path, "FieldValueTypeInvalid", "Invalid value: \"" + actual + "\": " + path
        + " in body must be of type " + type + ": \"" + actual + "\"");
  }

  private static boolean hasType(JsonNode v, String type) {
    return switch (type) {
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      case "string" -> v.isTextual();
      case "integer" -> v.isIntegralNumber();
      case "number" -> v.isNumber();
      case "boolean" -> v.isBoolean();
      default -> true;
    };
  }

  private static boolean contains(JsonNode list, JsonNode v) {
    return stream(list).anyMatch(v::equals);
  }

  private static java.util.stream.Stream<JsonNode> stream(JsonNode n) {
    return java.util.stream.StreamSupport.stream(n.spliterator(), false);
  }

  private static Iterable<JsonNode> iterable(JsonNode n) {
    return n::elements;
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }
}
