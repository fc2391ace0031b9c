package io.stickypool.sandbox;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.Optional;

/**
 * Sits in front of the CRUD mock and answers what kubectl needs and the mock lacks: the version,
 * the legacy discovery documents, the OpenAPI v3 documents made from the CRDs, Tables for custom
 * resources, field selectors on Events, and schema validation and dry runs of writes. Paths are matched without their query string, because kubectl
 * appends {@code ?timeout=32s}.
 */
final class SandboxDispatcher extends Dispatcher {
  static final String VERSION = "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0\","
      + "\"gitCommit\":\"stickypool-sandbox\",\"gitTreeState\":\"clean\","
      + "\"buildDate\":\"2026-01-01T00:00:00Z\",\"goVersion\":\"n/a\",\"compiler\":\"n/a\","
      + "\"platform\":\"linux/amd64\"}";

  private final Dispatcher crud;
  private final DiscoveryDocuments discovery;
  private final PrinterColumnTables tables;
  private final OpenApiDocuments openApi;
  private final ServerWrites writes;

  SandboxDispatcher(Dispatcher crud, DiscoveryDocuments discovery, PrinterColumnTables tables,
      List<CustomResourceDefinition> crds) {
    this.crud = crud;
    this.discovery = discovery;
    this.tables = tables;
    this.openApi = new OpenApiDocuments(crds, discovery.kinds());
    this.writes = new ServerWrites(crud, openApi, crds);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    return declaredJson(answer(request));
  }

  private MockResponse answer(RecordedRequest request) {
    String full = request.getPath();
    int q = full.indexOf('?');
    String path = q < 0 ? full : full.substring(0, q);
    String query = q < 0 ? "" : full.substring(q + 1);
    if (ScaleSubresource.matches(path)) {
      return scale(crud.dispatch(request));
    }
    if (!"GET".equals(request.getMethod())) {
      return writes.answer(request, path, query).orElseGet(() -> crud.dispatch(request));
    }
    Optional<MockResponse> answered = discoveryAnswer(path);
    if (answered.isPresent()) {
      return answered.get();
    }
    Optional<EventFieldSelector> about = EventFieldSelector.of(path, query);
    MockResponse response = about.isEmpty() ? crud.dispatch(request)
        : eventsAbout(request, path, about.get());
    String accept = Optional.ofNullable(request.getHeader("Accept")).orElse("");
    if (accept.contains("as=Table") && !query.contains("watch=")) {
      var cols = tables.columnsFor(path);
      if (cols.isPresent()) {
        return asTable(response, cols.get());
      }
    }
    return response;
  }

  private Optional<MockResponse> discoveryAnswer(String path) {
    if (path.equals("/version")) {
      return Optional.of(json(200, VERSION));
    } else if (path.equals("/api")) {
      return Optional.of(json(200, discovery.apiVersions()));
    } else if (path.equals("/apis")) {
      return Optional.of(json(200, discovery.groupList()));
    } else if (path.equals("/openapi/v3")) {
      return Optional.of(json(200, openApi.index()));
    } else if (path.startsWith("/openapi/v3/")) {
      return Optional.of(openApi.document(path).map(d -> json(200, d)).orElse(notFound(path)));
    } else if (path.startsWith("/openapi/")) {
      return Optional.of(notFound(path));
    } else if (path.equals("/api/v1")) {
      return discovery.resourceList("v1").map(b -> json(200, b));
    } else if (path.matches("/apis/[^/]+/[^/]+")) {
      String gv = path.substring("/apis/".length());
      return Optional.of(discovery.resourceList(gv).map(b -> json(200, b)).orElse(notFound(path)));
    }
    return Optional.empty();
  }

  private static MockResponse scale(MockResponse workload) {
    // The mock answers a patch with 202; the API server answers 200 with the new Scale.
    if (workload.code() / 100 != 2 || workload.getBody() == null) {
      return workload;
    }
    try {
      return json(200, ScaleSubresource.scaleOf(workload.getBody().readUtf8()));
    } catch (java.io.IOException e) {
      return workload; // not JSON: let kubectl say what it got
    }
  }

  private MockResponse asTable(MockResponse plain, List<CustomResourceColumnDefinition> cols) {
    if (plain.code() != 200 || plain.getBody() == null) {
      return plain;
    }
    try {
      return json(200, tables.toTable(plain.getBody().readUtf8(), cols));
    } catch (Exception e) {
      return plain;
    }
  }

  private MockResponse eventsAbout(RecordedRequest request, String path,
      EventFieldSelector about) {
    MockResponse all = crud.dispatch(new RecordedRequest(request.getHttpVersion(),
        request.method(), about.pathFor(path), request.getHeaders(), request.getBody()));
    if (all.code() != 200 || all.getBody() == null) {
      return all;
    }
    try {
      return json(200, about.filter(all.getBody().readUtf8()));
    } catch (Exception e) {
      return all;
    }
  }

  /**
   * The mock leaves Content-Type unset; kubectl's typed clients (describe of built-in kinds) ask
   * for protobuf first and would then try to read the JSON body as protobuf.
   */
  private static MockResponse declaredJson(MockResponse response) {
    if (response.getWebSocketListener() == null && response.header("Content-Type") == null) {
      response.setHeader("Content-Type", "application/json");
    }
    return response;
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse().setResponseCode(code)
        .setHeader("Content-Type", "application/json").setBody(body);
  }

  private static MockResponse notFound(String path) {
    return json(404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
        + "\"status\":\"Failure\",\"message\":\"the server could not find the requested resource ("
        + path + ")\",\"reason\":\"NotFound\",\"details\":{},\"code\":404}");
  }

  @Override
  public void shutdown() {
    crud.shutdown();
  }
}
