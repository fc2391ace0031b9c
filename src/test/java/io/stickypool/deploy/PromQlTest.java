package io.stickypool.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PromQlTest {

  @Test
  void findsMetricsWithTheirMatcherLabelsAndSkipsFunctionsKeywordsAndStrings() {
    PromQl q = PromQl.parse("histogram_quantile(0.99, sum by (pool, le) (rate(stickypool_request_duration_seconds_bucket"
        + "{job=~\"$job\", pool=~\"a|b{c}\"}[$__rate_interval])))");
    assertThat(q.selectors()).isEqualTo(Map.of("stickypool_request_duration_seconds_bucket", Set.of("job", "pool")));
    assertThat(q.groupingLabels()).containsExactly("pool", "le");
  }

  @Test
  void findsBareMetricsOnBothSidesOfVectorMatching() {
    PromQl q = PromQl.parse("sum by (namespace, pool, from) (increase(stickypool_sessions_rebalanced_total[10m])) > 0\n"
        + "  and on (namespace, pool) group_left () up == 0 or vector(0) unless absent(stickypool_tunnels)");
    assertThat(q.selectors()).containsOnlyKeys("stickypool_sessions_rebalanced_total", "up", "stickypool_tunnels");
    assertThat(q.groupingLabels()).containsExactly("namespace", "pool", "from");
  }
}
