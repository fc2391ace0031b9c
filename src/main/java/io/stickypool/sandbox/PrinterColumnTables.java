package io.stickypool.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an object (or a list of them) into the {@code meta.k8s.io/v1 Table} that kubectl asks
 * for, as the real API server does: custom resources by their CRD's additionalPrinterColumns, core
 * Events by the server's own columns (so {@code kubectl get events} shows reasons). Other kinds
 * are left as lists, which kubectl prints as NAME and AGE. Only the jsonPath forms these columns
 * use are understood: {@code .a.b} and {@code .a[?(@.k=="v")].b}.
 */
final class PrinterColumnTables {
  private static final String NAME = "Name";
  private final ObjectMapper mapper = new ObjectMapper();
  private final Clock clock;
  /** "group/version/plural" ("v1/plural" for the core group) to the columns served for it. */
  private final Map<String, List<CustomResourceColumnDefinition>> columns = new HashMap<>();

  PrinterColumnTables(Clock clock, List<CustomResourceDefinition> crds) {
    this.clock = clock;
    columns.put("v1/events", List.of(
        column("Last Seen", ".lastTimestamp", "date", 0),
        column("Type", ".type", "string", 0),
        column("Reason", ".reason", "string", 0),
        column("Object", ".involvedObject.name", "string", 0),
        column("Message", ".message", "string", 0),
        column(NAME, ".metadata.name", "string", 1)));
    for (CustomResourceDefinition crd : crds) {
      var spec = crd.getSpec();
      spec.getVersions().stream().filter(v -> v.getAdditionalPrinterColumns() != null)
          .forEach(v -> columns.put(spec.getGroup() + "/" + v.getName() + "/"
              + spec.getNames().getPlural(), v.getAdditionalPrinterColumns()));
    }
  }

  private static CustomResourceColumnDefinition column(String name, String jsonPath, String type,
      int priority) {
    return new CustomResourceColumnDefinitionBuilder().withName(name).withJsonPath(jsonPath)
        .withType(type).withPriority(priority).build();
  }

  /** The columns for a path such as /apis/G/V/namespaces/N/PLURAL[/NAME] or /api/v1/PLURAL. */
  Optional<List<CustomResourceColumnDefinition>> columnsFor(String path) {
    String[] s = path.split("/");
    int base = s.length > 1 && "api".equals(s[1]) ? 3 : 4;
    if (s.length <= base || !("api".equals(s[1]) || "apis".equals(s[1]))) {
      return Optional.empty();
    }
    int plural = "namespaces".equals(s[base]) && s.length > base + 2 ? base + 2 : base;
    if (s.length > plural + 2) {
      return Optional.empty();
    }
    String groupVersion = String.join("/", List.of(s).subList(2, base));
    return Optional.ofNullable(columns.get(groupVersion + "/" + s[plural]));
  }

  /** The Table for a JSON object or list, as text. */
  String toTable(String objectOrList, List<CustomResourceColumnDefinition> cols) throws Exception {
    JsonNode in = mapper.readTree(objectOrList);
    ObjectNode table = mapper.createObjectNode().put("kind", "Table")
        .put("apiVersion", "meta.k8s.io/v1");
    ObjectNode meta = table.putObject("metadata");
    if (in.path("metadata").has("resourceVersion")) {
      meta.set("resourceVersion", in.path("metadata").get("resourceVersion"));
    }
    ArrayNode defs = table.putArray("columnDefinitions");
    if (nameFirst(cols)) {
      defs.addObject().put("name", NAME).put("type", "string").put("format", "name")
          .put("description", "Name must be unique within a namespace.").put("priority", 0);
    }
    for (CustomResourceColumnDefinition c : cols) {
      defs.addObject().put("name", c.getName()).put("type", c.getType())
          .put("format", Optional.ofNullable(c.getFormat()).orElse(""))
          .put("description", Optional.ofNullable(c.getDescription()).orElse(""))
          .put("priority", Optional.ofNullable(c.getPriority()).orElse(0));
    }
    ArrayNode rows = table.putArray("rows");
    if (in.has("items")) {
      in.get("items").forEach(item -> addRow(rows, item, cols));
    } else {
      addRow(rows, in, cols);
    }
    return mapper.writeValueAsString(table);
  }

  private void addRow(ArrayNode rows, JsonNode item, List<CustomResourceColumnDefinition> cols) {
    ObjectNode row = rows.addObject();
    ArrayNode cells = row.putArray("cells");
    if (nameFirst(cols)) {
      cells.add(item.path("metadata").path("name").asText());
    }
    for (CustomResourceColumnDefinition c : cols) {
      JsonNode v = JsonPathSubset.first(item, c.getJsonPath());
      if (v == null || v.isNull()) {
        cells.addNull();
      } else if ("date".equals(c.getType())) {
        cells.add(age(v.asText()));
      } else if (("integer".equals(c.getType()) || "number".equals(c.getType())) && v.isNumber()) {
        cells.add(v);
      } else {
        cells.add(v.isValueNode() ? v.asText() : v.toString());
      }
    }
    ObjectNode object = row.putObject("object").put("kind", "PartialObjectMetadata")
        .put("apiVersion", "meta.k8s.io/v1");
    object.set("metadata", item.path("metadata"));
  }

  /** Custom resources get a leading Name column; tables that list Name themselves do not. */
  private static boolean nameFirst(List<CustomResourceColumnDefinition> cols) {
    return cols.stream().noneMatch(c -> NAME.equals(c.getName()));
  }

  /** kubectl's short age format (the subset of its HumanDuration a sandbox needs). */
  private String age(String timestamp) {
    Duration d;
    try {
      d = Duration.between(Instant.parse(timestamp), clock.instant());
    } catch (RuntimeException e) {
      return "<invalid>";
    }
    long s = Math.max(0, d.getSeconds());
    if (s < 120) {
      return s + "s";
    } else if (s < 10 * 60) {
      return s % 60 == 0 ? s / 60 + "m" : s / 60 + "m" + s % 60 + "s";
    } else if (s < 3 * 3600) {
      return s / 60 + "m";
    } else if (s < 48 * 3600) {
      return s / 3600 + "h";
    }
    return s / 86400 + "d";
  }
}
