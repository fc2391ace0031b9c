package io.stickypool.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.stickypool.api.v1alpha1.ProxyDisruption;
import io.stickypool.operator.model.ProxyDisruptionBudgetModel.Verdict;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ProxyDisruptionBudgetModelTest {
  private static final PoolIdentity POOL = new PoolIdentity("web", "shop", "uid-1", 1L);

  @Test
  void defaultsToOneProxyAtATimeSelectingTheProxyPods() {
    PodDisruptionBudget pdb = ProxyDisruptionBudgetModel.desired(POOL, null);

    assertThat(pdb.getApiVersion()).isEqualTo("policy/v1");
    assertThat(pdb.getMetadata().getName()).isEqualTo("web-proxy");
    assertThat(pdb.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
    assertThat(pdb.getSpec().getMinAvailable()).isNull();
    assertThat(pdb.getSpec().getSelector().getMatchLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "app.kubernetes.io/name", "stickypool-proxy", "app.kubernetes.io/instance", "web"));
  }

  @Test
  void writesTheUsersMinAvailableAlone() {
    PodDisruptionBudget pdb = ProxyDisruptionBudgetModel.desired(POOL, disruption(null, "50%"));

    assertThat(pdb.getSpec().getMinAvailable()).isEqualTo(new IntOrString("50%"));
    assertThat(pdb.getSpec().getMaxUnavailable()).as("one of the two only").isNull();
  }

  /** maxUnavailable, minAvailable (empty: unset), replicas -> verdict, evictions allowed with all ready. */
  @ParameterizedTest(name = "max={0} min={1} replicas={2} -> {3} allowing {4}")
  @CsvSource({
      ",, 2, TOLERANT, 1",
      ",, 3, TOLERANT, 1",
      ",, 1, SINGLE_REPLICA, 1",
      ",, 0, SINGLE_REPLICA, 0",
      "2,, 3, TOLERANT, 2",
      "25%,, 2, TOLERANT, 1",
      "50%,, 3, TOLERANT, 2",
      "0,, 3, EVICTIONS_BLOCKED, 0",
      "100%,, 3, EVICTIONS_UNBOUNDED, 3",
      ", 1, 3, TOLERANT, 2",
      ", 2, 2, EVICTIONS_BLOCKED, 0",
      ", 50%, 3, TOLERANT, 1",
      ", 100%, 4, EVICTIONS_BLOCKED, 0",
      ", 0, 2, EVICTIONS_UNBOUNDED, 2",
      ", 1, 1, SINGLE_REPLICA, 0",
  })
  void judgesTheBudgetAtTheReplicaCountAsTheDisruptionControllerDoes(
      String max, String min, int replicas, Verdict verdict, int allowed) {
    var tolerance = ProxyDisruptionBudgetModel.tolerance(POOL, disruption(max, min), replicas);

    assertThat(tolerance.verdict()).isEqualTo(verdict);
    assertThat(tolerance.allowed()).isEqualTo(allowed);
    assertThat(tolerance.message()).isNotBlank();
  }

  @Test
  void saysWhatToDoAboutASingleReplica() {
    assertThat(ProxyDisruptionBudgetModel.tolerance(POOL, null, 1).message())
        .contains("1 proxy replica:", "no ready proxy", "spec.proxy.replicas", "scale web-proxy");
  }

  @Test
  void judgesAtTheSpecsReplicasElseTheDeploymentsElseTheDefault() {
    assertThat(ProxyDisruptionBudgetModel.replicas(3, 5)).isEqualTo(3);
    assertThat(ProxyDisruptionBudgetModel.replicas(null, 5)).isEqualTo(5);
    assertThat(ProxyDisruptionBudgetModel.replicas(null, null)).isEqualTo(2);
  }

  private static ProxyDisruption disruption(String max, String min) {
    if (max == null && min == null) {
      return null;
    }
    ProxyDisruption d = new ProxyDisruption();
    d.setMaxUnavailable(intOrPercent(max));
    d.setMinAvailable(intOrPercent(min));
    return d;
  }

  private static IntOrString intOrPercent(String value) {
    return value == null ? null : value.endsWith("%") ? new IntOrString(value) : new IntOrString(Integer.parseInt(value));
  }
}
