package io.stickypool.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chart's monitoring objects as rendered by Helm: the dashboard's queries and the
 * PrometheusRule's groups, so tests check what users install rather than a copy.
 */
record MonitoringChart(RenderedChart chart) {
  static final String DASHBOARD_KEY = "stickypool.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");

  /** Dashboard, PrometheusRule, PodMonitor and the operator's ServiceMonitor all on. */
  static MonitoringChart everythingOn() {
    return new MonitoringChart(RenderedChart.render(t -> t.set("monitoring.podMonitor.enabled", true)
        .set("monitoring.grafanaDashboard.enabled", true).set("monitoring.prometheusRule.enabled", true)
        .set("serviceMonitor.enabled", true)));
  }

  ConfigMap dashboardConfigMap() {
    List<ConfigMap> maps = chart.all(ConfigMap.class);
    if (maps.size() != 1) {
      throw new AssertionError("expected one dashboard ConfigMap, got " + maps.size());
    }
    return maps.get(0);
  }

  JsonNode dashboard() {
    try {
      return JSON.readTree(dashboardConfigMap().getData().get(DASHBOARD_KEY));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every panel's PromQL (rows' nested panels too) and every query variable's query, Grafana's
   * {@code label_values(series, label)} written as the PromQL {@code count by (label) (series)}.
   */
  List<String> dashboardQueries() {
    List<String> out = new ArrayList<>();
    panelQueries(dashboard().path("panels"), out);
    for (JsonNode v : dashboard().path("templating").path("list")) {
      if ("query".equals(v.path("type").asText())) {
        JsonNode q = v.path("query");
        String query = q.isTextual() ? q.asText() : q.path("query").asText();
        Matcher m = LABEL_VALUES.matcher(query);
        out.add(m.matches() ? "count by (" + m.group(2) + ") (" + m.group(1) + ")" : query);
      }
    }
    return out;
  }

  private static void panelQueries(JsonNode panels, List<String> out) {
    for (JsonNode p : panels) {
      p.path("targets").forEach(t -> out.add(t.path("expr").asText()));
      panelQueries(p.path("panels"), out);
    }
  }

  GenericKubernetesResource prometheusRule() {
    List<io.fabric8.kubernetes.api.model.HasMetadata> rules = chart.ofKind("PrometheusRule");
    if (rules.size() != 1) {
      throw new AssertionError("expected one PrometheusRule, got " + rules.size());
    }
    return (GenericKubernetesResource) rules.get(0);
  }

  List<Map<String, Object>> ruleGroups() {
    return prometheusRule().get("spec", "groups");
  }

  /** Every alerting rule of every group. */
  @SuppressWarnings("unchecked")
  List<Map<String, Object>> alerts() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> group : ruleGroups()) {
      out.addAll((List<Map<String, Object>>) group.get("rules"));
    }
    return out;
  }

  /** The PrometheusRule's spec.groups as a Prometheus rules file, for promtool. */
  void writeRulesFile(Path file) throws IOException {
    Files.writeString(file, new KubernetesSerialization().asYaml(Map.of("groups", ruleGroups())));
  }
}
