package io.stickypool.operator;

import java.util.List;
import java.util.Optional;

/**
 * An API server request as RBAC sees it: {@code GET /apis/apps/v1/namespaces/a/deployments?watch=true}
 * is (apps, deployments, watch). Non-resource paths such as {@code /version} have no group.
 */
record ApiRequest(String group, String resource, String verb) {

  static Optional<ApiRequest> parse(String method, String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
    List<String> parts = List.of(path.replaceFirst("^/", "").split("/"));
    int rest;
    String group;
    if (parts.get(0).equals("api") && parts.size() > 2) {
      group = "";
      rest = 2;
    } else if (parts.get(0).equals("apis") && parts.size() > 3) {
      group = parts.get(1);
      rest = 3;
    } else {
      return Optional.empty();
    }
    List<String> tail = parts.subList(rest, parts.size());
    if (tail.size() >= 2 && tail.get(0).equals("namespaces") && tail.size() > 2) {
      tail = tail.subList(2, tail.size());
    }
    String resource = tail.get(0);
    boolean named = tail.size() > 1;
    if (tail.size() > 2) {
      resource = resource + "/" + tail.get(2);
    }
    return Optional.of(new ApiRequest(group, resource, verb(method, named, query)));
  }

  private static String verb(String method, boolean named, String query) {
    return switch (method) {
      case "GET" -> named ? "get" : List.of(query.split("&")).contains("watch=true") ? "watch" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> throw new IllegalArgumentException("unexpected method " + method);
    };
  }

  @Override
  public String toString() {
    return (group.isEmpty() ? "core" : group) + " " + resource + " " + verb;
  }
}
