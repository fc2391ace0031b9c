package io.stickypool.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.route.AffinityOutcome;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProxyMetricsTest {
  private final ProxyMetrics metrics = new ProxyMetrics();

  private void recordFor(String backend) {
    BackendId id = BackendId.of(backend);
    metrics.request(id, AffinityOutcome.NEW_SESSION);
    metrics.latency(id, 1_000_000);
    metrics.backendResult(id, ProxyMetrics.BackendResult.RESPONDED);
    metrics.count("stickypool_backend_ejections", "ejections", "backend", backend);
    metrics.count("stickypool_sessions_rebalanced", "re-pinned", "from", backend);
  }

  @Test
  void removesEveryMeterOfABackendThatLeftTheRoutes() {
    recordFor("web-7d9f-a");
    recordFor("web-7d9f-b");

    metrics.retainBackends(Set.of("web-7d9f-b"));

    String scrape = metrics.scrape();
    assertThat(scrape).doesNotContain("web-7d9f-a").contains("backend=\"web-7d9f-b\"")
        .contains("from=\"web-7d9f-b\"");
    assertThat(metrics.registry().getMeters())
        .allSatisfy(m -> assertThat(m.getId().getTags().toString()).doesNotContain("web-7d9f-a"));
  }

  @Test
  void keepsMetersThatNameNoBackend() {
    metrics.request(null, AffinityOutcome.NO_BACKEND);
    metrics.count("stickypool_sessions_rebalanced", "re-pinned", "from", "unknown");
    metrics.count("stickypool_config_reloads", "reloads", "result", "applied");
    recordFor("a");

    metrics.retainBackends(Set.of());

    assertThat(metrics.scrape())
        .contains("stickypool_requests_total{backend=\"none\",outcome=\"no_backend\"} 1.0")
        .contains("stickypool_sessions_rebalanced_total{from=\"unknown\"} 1.0")
        .contains("stickypool_config_reloads_total{result=\"applied\"} 1.0")
        .doesNotContain("\"a\"");
  }

  @Test
  void countsAfreshWhenARemovedBackendRecordsAgain() {
    recordFor("a");
    metrics.retainBackends(Set.of());

    metrics.request(BackendId.of("a"), AffinityOutcome.NEW_SESSION);

    assertThat(metrics.scrape())
        .contains("stickypool_requests_total{backend=\"a\",outcome=\"new_session\"} 1.0");
  }
}
