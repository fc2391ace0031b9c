package io.stickypool.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Field selectors on core Events, which the CRUD mock does not index (it answers with no events):
 * {@code kubectl get events --field-selector type=Warning}, {@code involvedObject.kind=StickyPool},
 * and the {@code involvedObject.*} terms {@code kubectl describe} sends. This takes the selector
 * out of the query, so the mock lists (or watches) all events, and applies it afterwards. Terms
 * are {@code field=value}, {@code field==value} or {@code field!=value}, joined by commas, with a
 * field being any dotted path into the Event (type, reason, involvedObject.name, metadata.name...).
 * A list is returned as an EventList, the kind client-go's typed describe code expects.
 */
final class EventFieldSelector {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private record Term(String[] path, String value, boolean equal) {
    boolean matches(JsonNode event) {
      JsonNode v = event;
      for (String p : path) {
        v = v.path(p);
      }
      String actual = v.isMissingNode() || v.isNull() ? "" : v.asText();
      return actual.equals(value) == equal;
    }
  }

  private final String query;
  private final List<Term> terms;

  private EventFieldSelector(String query, List<Term> terms) {
    this.query = query;
    this.terms = terms;
  }

  /** Present for a GET or watch of core Events with a field selector. */
  static Optional<EventFieldSelector> of(String path, String query) {
    if (!path.matches("/api/v1/(namespaces/[^/]+/)?events")) {
      return Optional.empty();
    }
    List<String> params = new ArrayList<>();
    List<Term> terms = new ArrayList<>();
    for (String param : query.split("&")) {
      if (!param.startsWith("fieldSelector=")) {
        params.add(param);
        continue;
      }
      String selector = URLDecoder.decode(param.substring("fieldSelector=".length()), StandardCharsets.UTF_8);
      for (String term : selector.split(",")) {
        term(term).ifPresent(terms::add);
      }
    }
    return terms.isEmpty() ? Optional.empty()
        : Optional.of(new EventFieldSelector(String.join("&", params), terms));
  }

  private static Optional<Term> term(String term) {
    int ne = term.indexOf("!=");
    if (ne > 0) {
      return Optional.of(new Term(term.substring(0, ne).trim().split("\\."), term.substring(ne + 2).trim(), false));
    }
    String[] kv = term.split("==?", 2);
    return kv.length == 2 && !kv[0].isBlank()
        ? Optional.of(new Term(kv[0].trim().split("\\."), kv[1].trim(), true)) : Optional.empty();
  }

  /** The query to send to the mock: the same, without the field selector. */
  String query() {
    return query;
  }

  /** The request path to send to the mock: the same, without the field selector. */
  String pathFor(String path) {
    return query.isEmpty() ? path : path + "?" + query;
  }

  boolean matches(JsonNode event) {
    return terms.stream().allMatch(t -> t.matches(event));
  }

  /** The event list JSON with only the selected events. */
  String filter(String eventListJson) throws Exception {
    JsonNode list = MAPPER.readTree(eventListJson);
    ArrayNode kept = MAPPER.createArrayNode();
    list.path("items").forEach(e -> {
      if (matches(e)) {
        kept.add(e);
      }
    });
    ((ObjectNode) list).set("items", kept);
    // The mock says "List"; kubectl describe decodes into a typed EventList and drops the rest.
    ((ObjectNode) list).put("kind", "EventList");
    return MAPPER.writeValueAsString(list);
  }
}
