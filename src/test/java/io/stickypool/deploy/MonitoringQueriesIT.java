package io.stickypool.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.ProxyHarness;
import io.stickypool.testing.StickySession;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chart's dashboard and alerts name only series and labels that exist: a real proxy on
 * loopback is driven through new sessions, a forged cookie and a backend failure, its /metrics is
 * scraped, and every metric and label in the rendered dashboard's queries and PrometheusRule's
 * expressions must be in that scrape, in the operator's meters, or be one Prometheus adds itself.
 */
@ExtendWith(LeakDetection.class)
class MonitoringQueriesIT {
  /** Labels the scrape adds (the PodMonitor's target labels and relabelings), not the proxy. */
  private static final Set<String> TARGET_LABELS =
      Set.of("job", "instance", "namespace", "pod", "pool", "container", "endpoint", "service");
  /** Series Prometheus writes for every target. */
  private static final Set<String> PROMETHEUS_SERIES = Set.of("up");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

  @Test
  void dashboardAndAlertsNameOnlySeriesAndLabelsTheCodeExports() throws Exception {
    Map<String, Set<String>> exported = new HashMap<>(series(drivenProxyScrape()));
    exported.putAll(series(operatorScrape()));
    MonitoringChart chart = MonitoringChart.everythingOn();
    List<String> queries = new ArrayList<>(chart.dashboardQueries());
    chart.alerts().forEach(a -> queries.add((String) a.get("expr")));

    List<String> problems = new ArrayList<>();
    Set<String> named = new TreeSet<>();
    for (String query : queries) {
      PromQl q = PromQl.parse(query);
      named.addAll(q.selectors().keySet());
      problems.addAll(problems(query, q, exported));
    }
    assertThat(problems).as("names the code does not export").isEmpty();
    assertThat(named).as("the tokenizer found the series").contains("up", "stickypool_requests_total",
        "stickypool_backend_sessions", "stickypool_request_duration_seconds_bucket",
        "stickypool_cookies_rejected_total", "stickypool_sessions_rebalanced_total", "stickypool_routes_stale",
        "operator_sdk_reconciliations_failed_total");
  }

  private static List<String> problems(String query, PromQl q, Map<String, Set<String>> exported) {
    List<String> problems = new ArrayList<>();
    Set<String> available = new HashSet<>(TARGET_LABELS);
    q.selectors().forEach((metric, labels) -> {
      if (PROMETHEUS_SERIES.contains(metric)) {
        labels.stream().filter(l -> !TARGET_LABELS.contains(l))
            .forEach(l -> problems.add(metric + " has no label " + l + " in: " + query));
      } else if (!exported.containsKey(metric)) {
        problems.add(metric + " is not exported, in: " + query);
      } else {
        available.addAll(exported.get(metric));
        labels.stream().filter(l -> !TARGET_LABELS.contains(l) && !exported.get(metric).contains(l))
            .forEach(l -> problems.add(metric + " has no label " + l + " in: " + query));
      }
    });
    q.groupingLabels().stream().filter(l -> !available.contains(l))
        .forEach(l -> problems.add("no series in the query has label " + l + ": " + query));
    return problems;
  }

  /** /metrics of a proxy that saw new sessions, a forged cookie, and a backend die under it. */
  private static String drivenProxyScrape() throws Exception {
    try (ProxyHarness h = ProxyHarness.withHealth(2, new HealthSettings(1, Duration.ofSeconds(30), null))) {
      List<StickySession> sessions = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        StickySession s = h.session();
        assertThat(s.get("/").statusCode()).isEqualTo(200);
        sessions.add(s);
      }
      StickySession forger = h.session();
      forger.get("/");
      char[] forged = forger.cookie().toCharArray();
      forged[30] = forged[30] == 'A' ? 'B' : 'A';
      forger.setCookie(new String(forged));
      assertThat(forger.get("/").statusCode()).isEqualTo(200);
      h.backend("b1").kill();
      for (StickySession s : sessions) {
        assertThat(s.get("/").statusCode()).as("fails over to b0").isEqualTo(200);
      }
      URI metrics = URI.create("http://127.0.0.1:" + h.adminPort() + "/metrics");
      String[] scrape = new String[1];
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        scrape[0] = h.client.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(scrape[0]).contains("stickypool_backend_ejections_total{backend=\"b1\"}",
            "stickypool_sessions_rebalanced_total{from=\"b1\"}",
            "stickypool_cookies_rejected_total{status=\"bad_signature\"}", "outcome=\"repinned_failover\"");
      });
      return scrape[0];
    }
  }

  /**
   * The operator's meters, registered as StickyPoolOperator registers them (JOSDK's
   * MicrometerMetrics without per-resource meters, JVM memory), after a failed reconcile: JOSDK
   * creates its failure counter at the first failure, which a healthy operator's scrape lacks.
   * OperatorAdminApiServerTest checks that the running operator serves this registry.
   */
  private static String operatorScrape() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    MicrometerMetrics josdk = MicrometerMetrics.withoutPerResourceMetrics(registry);
    StickyPool pool = new StickyPool();
    pool.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace("shop").build());
    josdk.reconciliationFailed(pool, null, new IllegalStateException("for the test"), Map.of());
    return registry.scrape();
  }

  /** Metric name to the label names it carries, from Prometheus text exposition. */
  private static Map<String, Set<String>> series(String exposition) {
    Map<String, Set<String>> out = new HashMap<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
      Set<String> labels = out.computeIfAbsent(name, k -> new TreeSet<>());
      if (brace >= 0 && brace < space) {
        Matcher m = LABEL.matcher(line.substring(brace, line.lastIndexOf('}')));
        while (m.find()) {
          labels.add(m.group(1));
        }
      }
    }
    return out;
  }
}
