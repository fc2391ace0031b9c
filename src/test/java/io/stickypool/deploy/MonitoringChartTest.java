package io.stickypool.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.stickypool.operator.model.PoolIdentity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The chart's optional monitoring objects: PodMonitor, Grafana dashboard ConfigMap, PrometheusRule. */
class MonitoringChartTest {

  @Test
  void rendersNoMonitoringObjectsByDefault() {
    RenderedChart chart = RenderedChart.defaults();
    assertThat(chart.ofKind("PodMonitor")).isEmpty();
    assertThat(chart.ofKind("PrometheusRule")).isEmpty();
    assertThat(chart.all(ConfigMap.class)).isEmpty();
  }

  @Test
  void dashboardConfigMapCarriesTheSidecarLabel() {
    ConfigMap map = MonitoringChart.everythingOn().dashboardConfigMap();
    assertThat(map.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1")
        .containsEntry("app.kubernetes.io/part-of", "stickypool");
    assertThat(map.getMetadata().getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
    assertThat(map.getData()).containsOnlyKeys(MonitoringChart.DASHBOARD_KEY);
  }

  @Test
  void dashboardLabelNamespaceAndAnnotationsAreConfigurable() {
    RenderedChart chart = RenderedChart.render(RenderedChart.values("""
        monitoring:
          grafanaDashboard:
            enabled: true
            labelKey: dashboards.example/grafana
            labelValue: stickypool
            namespace: monitoring
            annotations: {grafana_folder: StickyPool}
        """));
    ConfigMap map = new MonitoringChart(chart).dashboardConfigMap();
    assertThat(map.getMetadata().getLabels()).containsEntry("dashboards.example/grafana", "stickypool")
        .doesNotContainKey("grafana_dashboard");
    assertThat(map.getMetadata().getNamespace()).isEqualTo("monitoring");
    assertThat(map.getMetadata().getAnnotations()).containsEntry("grafana_folder", "StickyPool");
    assertThat(chart.ofKind("PrometheusRule")).isEmpty();
  }

  @Test
  void dashboardFiltersEveryQueryByProxyJobNamespaceAndPool() {
    MonitoringChart monitoring = MonitoringChart.everythingOn();
    JsonNode dashboard = monitoring.dashboard();
    assertThat(dashboard.path("uid").asText()).isEqualTo("stickypool");
    assertThat(variables(dashboard)).containsExactly("datasource", "job", "namespace", "pool");
    List<String> panelQueries = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      p.path("targets").forEach(t -> panelQueries.add(t.path("expr").asText()));
    }
    assertThat(panelQueries).hasSizeGreaterThan(20).allSatisfy(q -> assertThat(q)
        .contains("job=~\"$job\"", "namespace=~\"$namespace\"", "pool=~\"$pool\""));
  }

  @Test
  void dashboardShowsSessionsMovesDrainsCookiesTrafficAndProxyHealth() {
    JsonNode dashboard = MonitoringChart.everythingOn().dashboard();
    List<String> titles = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    for (JsonNode p : dashboard.path("panels")) {
      titles.add(p.path("title").asText());
      assertThat(ids.add(p.path("id").asInt())).as("panel id %s is unique", p.path("id")).isTrue();
      if (!"row".equals(p.path("type").asText())) {
        assertThat(p.path("description").asText()).as("%s says what it shows", p.path("title")).isNotBlank();
        assertThat(p.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
      }
    }
    assertThat(titles).contains("Proxies up", "Proxies down", "Proxies serving stale routes",
        "Sessions per backend", "Session moves by reason", "Sessions moved away, by the backend they left",
        "Backends draining (requests they still serve)", "Sessions left on draining backends",
        "Drain deadline hits: sessions moved off drained backends", "Rejected affinity cookies by why",
        "Request rate per backend", "Latency percentiles", "Errors by status class",
        "Routing snapshot version per proxy");
  }

  @Test
  void podMonitorScrapesEveryPoolsProxyPodsAndLabelsThemWithThePool() {
    GenericKubernetesResource monitor = (GenericKubernetesResource) single(MonitoringChart.everythingOn().chart().ofKind("PodMonitor"));
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    Map<String, String> selector = monitor.get("spec", "selector", "matchLabels");
    assertThat(selector).containsExactlyInAnyOrderEntriesOf(Map.of(
        "app.kubernetes.io/name", PoolIdentity.APP_NAME, "app.kubernetes.io/managed-by", PoolIdentity.MANAGED_BY));
    Map<String, Object> namespaces = monitor.get("spec", "namespaceSelector");
    assertThat(namespaces).containsEntry("any", true);
    List<Map<String, Object>> endpoints = monitor.get("spec", "podMetricsEndpoints");
    Map<String, Object> endpoint = single(endpoints);
    // the proxy container's admin port (ProxyDeploymentModel), which serves /metrics
    assertThat(endpoint).containsEntry("port", "admin").containsEntry("path", "/metrics");
    String poolMeta = "__meta_kubernetes_pod_label_" + PoolIdentity.POOL_LABEL.replaceAll("[^A-Za-z0-9]", "_");
    assertThat(endpoint.get("relabelings")).asList().contains(
        Map.of("sourceLabels", List.of(poolMeta), "targetLabel", "pool"),
        Map.of("targetLabel", "job", "replacement", "stickypool-proxy"));
  }

  @Test
  void podMonitorLooksOnlyInWatchedNamespacesAndTakesTheJobName() {
    RenderedChart chart = RenderedChart.render(RenderedChart.values("""
        watchNamespaces: [shop, blog]
        monitoring: {proxyJob: sticky, podMonitor: {enabled: true, labels: {release: prometheus}}}
        """));
    GenericKubernetesResource monitor = (GenericKubernetesResource) single(chart.ofKind("PodMonitor"));
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    Map<String, Object> namespaces = monitor.get("spec", "namespaceSelector");
    assertThat(namespaces).isEqualTo(Map.of("matchNames", List.of("shop", "blog")));
    List<Map<String, Object>> endpoints = monitor.get("spec", "podMetricsEndpoints");
    assertThat(endpoints.get(0).get("relabelings")).asList()
        .contains(Map.of("targetLabel", "job", "replacement", "sticky"));
  }

  private static List<String> variables(JsonNode dashboard) {
    List<String> names = new ArrayList<>();
    dashboard.path("templating").path("list").forEach(v -> names.add(v.path("name").asText()));
    return names;
  }

  private static <T> T single(List<T> items) {
    assertThat(items).hasSize(1);
    return items.get(0);
  }
}
