package io.stickypool.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrinterColumnTablesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POOL = """
      {"kind":"StickyPool","metadata":{"name":"web","creationTimestamp":"2026-01-01T00:00:00Z"},
       "status":{"backendCount":3,"conditions":[{"type":"Other","status":"False"},
                                                {"type":"Ready","status":"True"}]}}""";

  private final PrinterColumnTables tables = new PrinterColumnTables(
      Clock.fixed(Instant.parse("2026-01-01T00:03:00Z"), ZoneOffset.UTC),
      List.of(EmbeddedKubernetesApi.stickyPoolCrd(new KubernetesSerialization())));

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      ".metadata.name                              | web",
      ".status.backendCount                        | 3",
      ".status.conditions[?(@.type==\"Ready\")].status | True",
      ".status.conditions[?(@.type==\"Gone\")].status  | null",
      ".status.sessions                            | null",
      "status.backendCount                         | null",
  })
  void selectsTheSubsetPrinterColumnsUse(String path, String expected) throws Exception {
    JsonNode v = JsonPathSubset.first(JSON.readTree(POOL), path);
    assertThat(v == null ? null : v.asText()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/apis/stickypool.io/v1alpha1/namespaces/default/stickypools     | true",
      "/apis/stickypool.io/v1alpha1/namespaces/default/stickypools/web | true",
      "/apis/stickypool.io/v1alpha1/stickypools                        | true",
      "/apis/stickypool.io/v1alpha1/namespaces/default/stickypools/web/status | false",
      "/api/v1/namespaces/default/events                               | true",
      "/api/v1/namespaces/default/configmaps                           | false",
      "/apis/apps/v1/namespaces/default/deployments                    | false",
  })
  void tablesOnlyTheKindsWithColumns(String path, boolean tabled) {
    assertThat(tables.columnsFor(path)).as(path).matches(c -> c.isPresent() == tabled);
  }

  @Test
  void rendersCrdColumnsAfterTheName() throws Exception {
    var cols = tables.columnsFor("/apis/stickypool.io/v1alpha1/stickypools").orElseThrow();
    JsonNode table = JSON.readTree(tables.toTable("{\"items\":[" + POOL + "]}", cols));
    assertThat(table.path("kind").asText()).isEqualTo("Table");
    assertThat(table.path("columnDefinitions").findValuesAsText("name"))
        .containsExactly("Name", "Age", "Backends", "Ready", "Sessions");
    assertThat(table.path("rows").get(0).path("cells").toString())
        .isEqualTo("[\"web\",\"3m\",3,\"True\",null]");
    assertThat(table.path("rows").get(0).path("object").path("metadata").path("name").asText())
        .isEqualTo("web");
  }
}
