package io.stickypool.operator.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.api.v1alpha1.ConditionReasons;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventReasonTest {

  /** Every reason Ready=False can carry: each new problem is announced as a Warning of that reason. */
  @ParameterizedTest
  @ValueSource(strings = {ConditionReasons.INVALID_SPEC, ConditionReasons.SERVICE_NOT_FOUND,
      ConditionReasons.PORT_NOT_FOUND, ConditionReasons.TARGET_NOT_FOUND, ConditionReasons.TARGET_IN_USE,
      ConditionReasons.TARGET_PORT_CONFLICT, ConditionReasons.RECONCILE_ERROR, ConditionReasons.PROXY_UNAVAILABLE,
      ConditionReasons.PROXY_PROGRESSING, ConditionReasons.TLS_SECRET_INVALID})
  void everyReadyFalseReasonHasAWarningEvent(String conditionReason) {
    assertThat(EventReason.of(conditionReason)).hasValueSatisfying(r -> {
      assertThat(r.wire()).isEqualTo(conditionReason);
      assertThat(r.type()).isEqualTo(EventReason.Type.WARNING);
    });
  }
}
