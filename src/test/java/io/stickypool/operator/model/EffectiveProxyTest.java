package io.stickypool.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EffectiveProxyTest {
  @ParameterizedTest(name = "spec {0}, deployment exists {1} -> {2}")
  @CsvSource(nullValues = "unset", value = {
      "unset, false, 2",     // the operator creates the Deployment with the default
      "unset, true, unset",  // then kubectl scale or an HPA owns the count
      "3, false, 3",
      "3, true, 3",          // a pool that sets replicas keeps them
      "0, true, 0"})
  void replicasBelongToThePoolOnlyWhenItSetsThem(Integer spec, boolean exists, Integer written) {
    assertThat(EffectiveProxy.replicas(spec, exists)).isEqualTo(written);
  }
}
