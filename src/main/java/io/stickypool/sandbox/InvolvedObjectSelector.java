package io.stickypool.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code kubectl describe} lists a resource's Events with {@code involvedObject.*} field
 * selectors, which the CRUD mock does not index (it answers with no events). This takes those
 * terms out of the query, so the mock lists all events, and applies them to the list afterwards.
 * The list is returned as an EventList, the kind client-go's typed describe code expects.
 */
final class InvolvedObjectSelector {
  private static final String PREFIX = "involvedObject.";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String query;
  private final Map<String, String> terms;

  private InvolvedObjectSelector(String query, Map<String, String> terms) {
    this.query = query;
    this.terms = terms;
  }

  /** Present for a GET of core Events whose field selector names the involved object. */
  static Optional<InvolvedObjectSelector> of(String path, String query) {
    if (!path.matches("/api/v1/(namespaces/[^/]+/)?events")) {
      return Optional.empty();
    }
    List<String> params = new ArrayList<>();
    Map<String, String> terms = new LinkedHashMap<>();
    for (String param : query.split("&")) {
      if (!param.startsWith("fieldSelector=")) {
        params.add(param);
        continue;
      }
      List<String> kept = new ArrayList<>();
      String selector = URLDecoder.decode(param.substring(14), StandardCharsets.UTF_8);
      for (String term : selector.split(",")) {
        String[] kv = term.split("==?", 2);
        if (kv.length == 2 && kv[0].startsWith(PREFIX)) {
          terms.put(kv[0].substring(PREFIX.length()), kv[1]);
        } else if (!term.isEmpty()) {
          kept.add(term);
        }
      }
      if (!kept.isEmpty()) {
        params.add("fieldSelector=" + URLEncoder.encode(String.join(",", kept), StandardCharsets.UTF_8));
      }
    }
    return terms.isEmpty() ? Optional.empty()
        : Optional.of(new InvolvedObjectSelector(String.join("&", params), terms));
  }

  /** The request path to send to the mock: the same, without the involvedObject terms. */
  String pathFor(String path) {
    return query.isEmpty() ? path : path + "?" + query;
  }

  /** The event list JSON with only the events about the selected object. */
  String filter(String eventListJson) throws Exception {
    JsonNode list = MAPPER.readTree(eventListJson);
    ArrayNode kept = MAPPER.createArrayNode();
    list.path("items").forEach(e -> {
      JsonNode involved = e.path("involvedObject");
      if (terms.entrySet().stream().allMatch(t -> t.getValue().equals(involved.path(t.getKey()).asText()))) {
        kept.add(e);
      }
    });
    ((ObjectNode) list).set("items", kept);
    // The mock says "List"; kubectl describe decodes into a typed EventList and drops the rest.
    ((ObjectNode) list).put("kind", "EventList");
    return MAPPER.writeValueAsString(list);
  }
}
