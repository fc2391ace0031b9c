package io.stickypool.proxy.admin;

import java.util.List;
import java.util.Map;

/** An admin request reduced to what endpoints need. */
public record AdminRequest(
    String method, String path, Map<String, List<String>> query, String authorization, byte[] body) {

  public String queryParam(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
