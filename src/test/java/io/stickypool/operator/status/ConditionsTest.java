package io.stickypool.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T1 = T0.plusSeconds(60);

  @Test
  void keepsTransitionTimeWhileStatusIsUnchanged() {
    List<Condition> c = Conditions.set(List.of(), "Ready", "True", "Reconciled", "a", T0);
    c = Conditions.set(c, "Ready", "True", "Reconciled", "b", T1);
    assertThat(c).hasSize(1);
    assertThat(c.get(0).getLastTransitionTime()).isEqualTo(T0.toString());
    assertThat(c.get(0).getMessage()).isEqualTo("b");
  }

  @Test
  void movesTransitionTimeWhenStatusFlips() {
    List<Condition> c = Conditions.set(List.of(), "Ready", "True", "Reconciled", "a", T0);
    c = Conditions.set(c, "Ready", "False", "ServiceNotFound", "gone", T1);
    assertThat(c.get(0).getLastTransitionTime()).isEqualTo(T1.toString());
    assertThat(c.get(0).getReason()).isEqualTo("ServiceNotFound");
  }

  @Test
  void keepsOtherTypes() {
    List<Condition> c = Conditions.set(null, "Ready", "True", "R", "a", T0);
    c = Conditions.set(c, "ProxyAvailable", "Unknown", "P", "b", T0);
    assertThat(c).extracting(Condition::getType).containsExactly("Ready", "ProxyAvailable");
  }
}
