package io.stickypool.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the API server does with a write before storing it, and the CRUD mock does not: custom
 * resources are checked against their CRD's schema ({@link SchemaValidation}: 422 Invalid with the
 * field paths, or 400 for unknown fields under {@code fieldValidation=Strict}), and a
 * {@code dryRun=All} write answers what it would store without storing anything ({@code kubectl
 * diff}, {@code --dry-run=server}). A dry run it cannot compute (a strategic-merge or apply patch) is
 * refused, never applied.
 */
final class ServerWrites {
  private static final Pattern CUSTOM =
      Pattern.compile("^/apis/([^/]+)/([^/]+)/namespaces/([^/]+)/([^/]+)(?:/([^/]+))?$");
  private static final String MERGE = "application/merge-patch+json";
  private static final String JSON_PATCH = "application/json-patch+json";

  private final ObjectMapper mapper = new ObjectMapper();
  private final Dispatcher crud;
  private final OpenApiDocuments openApi;
  /** "group/plural" to kind. */
  private final Map<String, String> kinds = new HashMap<>();

  ServerWrites(Dispatcher crud, OpenApiDocuments openApi, List<CustomResourceDefinition> crds) {
    this.crud = crud;
    this.openApi = openApi;
    crds.forEach(c -> kinds.put(c.getSpec().getGroup() + "/" + c.getSpec().getNames().getPlural(),
        c.getSpec().getNames().getKind()));
  }

  /** The answer to a write, or empty to let the mock store it as asked. */
  Optional<MockResponse> answer(RecordedRequest request, String path, String query) {
    boolean dryRun = List.of(query.split("&")).contains("dryRun=All") || deleteOptionsDryRun(request);
    Matcher m = CUSTOM.matcher(path);
    Optional<JsonNode> schema = m.matches() && kinds.containsKey(m.group(1) + "/" + m.group(4))
        ? openApi.schema(m.group(1), m.group(2), kinds.get(m.group(1) + "/" + m.group(4))) : Optional.empty();
    if (!dryRun && schema.isEmpty()) {
      return Optional.empty();
    }
    try {
      Optional<JsonNode> result = result(request, path, dryRun);
      if (result == null) {
        return Optional.of(status(415, "UnsupportedMediaType", "the embedded API cannot compute a dry run of a "
            + request.getHeader("Content-Type") + " patch; nothing was changed"));
      }
      if (result.isEmpty()) {
        return dryRun ? Optional.of(crudGet(request, path)) : Optional.empty();
      }
      if (schema.isPresent()) {
        Optional<MockResponse> invalid = invalid(result.get(), schema.get(), m, query.contains("fieldValidation=Strict"));
        if (invalid.isPresent()) {
          return invalid;
        }
      }
      return dryRun ? Optional.of(json("POST".equals(request.getMethod()) ? 201 : 200, created(result.get(), request)))
          : Optional.empty();
    } catch (Exception e) {
      return Optional.of(status(400, "BadRequest", "the request body is not valid: " + e.getMessage()));
    }
  }

  /**
   * The object the write would store; empty for a DELETE (or a dry-run subresource), null when the
   * patch type is one this cannot apply.
   */
  private Optional<JsonNode> result(RecordedRequest request, String path, boolean dryRun) throws Exception {
    byte[] body = request.getBody() == null ? new byte[0] : request.getBody().getBytes();
    switch (request.getMethod()) {
      case "POST", "PUT":
        return Optional.of(mapper.readTree(body));
      case "PATCH":
        String type = Optional.ofNullable(request.getHeader("Content-Type")).orElse("");
        MockResponse current = crudGet(request, path);
        if (current.code() != 200) {
          return Optional.empty();
        }
        JsonNode live = mapper.readTree(current.getBody().getBytes());
        if (type.startsWith(MERGE)) {
          return Optional.of(merge(live, mapper.readTree(body)));
        } else if (type.startsWith(JSON_PATCH)) {
          return Optional.of(JsonPatch.apply(mapper.readTree(body), live));
        }
        return dryRun ? null : Optional.empty();
      default:
        return Optional.empty();
    }
  }

  /** kubectl delete sends its dry run in the DeleteOptions body, not the query. */
  private boolean deleteOptionsDryRun(RecordedRequest request) {
    if (!"DELETE".equals(request.getMethod()) || request.getBody() == null || request.getBody().size() == 0) {
      return false;
    }
    try {
      JsonNode options = mapper.readTree(request.getBody().getBytes());
      return options.path("dryRun").toString().contains("\"All\"");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private Optional<MockResponse> invalid(JsonNode object, JsonNode schema, Matcher m, boolean strict) {
    List<SchemaValidation.Cause> causes = SchemaValidation.validate(object, schema, strict);
    if (causes.isEmpty()) {
      return Optional.empty();
    }
    String kind = kinds.get(m.group(1) + "/" + m.group(4));
    String name = object.path("metadata").path("name").asText(m.group(5) == null ? "" : m.group(5));
    List<SchemaValidation.Cause> unknown = causes.stream().filter(c -> c.message().startsWith("unknown field")).toList();
    if (!unknown.isEmpty()) { // strict decoding fails before validation, as on the API server
      return Optional.of(status(400, "BadRequest", kind + " in version \"" + m.group(2) + "\" cannot be handled as a "
          + kind + ": strict decoding error: " + String.join(", ", unknown.stream().map(SchemaValidation.Cause::message).toList())));
    }
    String message = kind + "." + m.group(1) + " \"" + name + "\" is invalid: "
        + String.join(", ", causes.stream().map(SchemaValidation.Cause::text).toList());
    ObjectNode status = statusNode(422, "Invalid", message);
    ObjectNode details = status.putObject("details").put("name", name).put("group", m.group(1)).put("kind", kind);
    causes.forEach(c -> details.withArray("causes").addObject().put("reason", c.reason()).put("message", c.message())
        .put("field", c.field()));
    return Optional.of(json(422, status.toString()));
  }

  /** RFC 7386 JSON merge patch. */
  private JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode out = target.isObject() ? ((ObjectNode) target).deepCopy() : mapper.createObjectNode();
    patch.fields().forEachRemaining(f -> {
      if (f.getValue().isNull()) {
        out.remove(f.getKey());
      } else {
        out.set(f.getKey(), merge(out.path(f.getKey()), f.getValue()));
      }
    });
    return out;
  }

  private String created(JsonNode object, RecordedRequest request) {
    ObjectNode o = ((ObjectNode) object).deepCopy();
    ObjectNode meta = o.with("metadata");
    if ("POST".equals(request.getMethod()) && !meta.has("creationTimestamp")) {
      meta.put("creationTimestamp", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    }
    return o.toString();
  }

  private MockResponse crudGet(RecordedRequest request, String path) {
    return crud.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.GET, path, request.getHeaders(),
        new io.fabric8.mockwebserver.http.Buffer()));
  }

  private ObjectNode statusNode(int code, String reason, String message) {
    ObjectNode s = mapper.createObjectNode().put("kind", "Status").put("apiVersion", "v1");
    s.putObject("metadata");
    return s.put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
  }

  private MockResponse status(int code, String reason, String message) {
    return json(code, statusNode(code, reason, message).toString());
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
        .setBody(body.getBytes(StandardCharsets.UTF_8));
  }
}
