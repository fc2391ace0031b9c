package io.stickypool.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stickypool.api.v1alpha1.AffinityType;
import io.stickypool.api.v1alpha1.ProxyMode;
import io.stickypool.api.v1alpha1.StickyPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What gets past a CRD (older, or newer than the operator) is reported, never thrown at JOSDK. */
class PoolSpecCheckTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  /** A pool as the informer deserializes it, with {@code spec} as written to the API server. */
  private static StickyPool pool(String spec) {
    return JSON.unmarshal("{\"apiVersion\":\"stickypool.io/v1alpha1\",\"kind\":\"StickyPool\","
        + "\"metadata\":{\"name\":\"web\"},\"spec\":" + spec + "}", StickyPool.class);
  }

  @Test
  void aValueThisOperatorDoesNotKnowDeserializesInsteadOfStoppingTheInformer() {
    StickyPool p = pool("{\"backend\":{\"service\":\"web\"},\"affinity\":{\"type\":\"Consistent\"},"
        + "\"proxy\":{\"mode\":\"Gateway\"}}");

    assertThat(p.getSpec().getAffinity().getType()).isEqualTo(AffinityType.Unrecognized);
    assertThat(p.getSpec().getProxy().getMode()).isEqualTo(ProxyMode.Unrecognized);
    assertThat(PoolSpecCheck.problem(p.getSpec())).get().extracting(Throwable::getMessage).isEqualTo(
        "spec.affinity.type: holds a value this operator does not know (it knows Cookie, Header, ClientIP,"
            + " AppCookie); the StickyPool CRD is newer than the operator: upgrade the operator, or change the field");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "\"drain\":{\"drainTimeout\":\"0s\"}        | spec.drain.drainTimeout: must be longer than 0s, such as 30s or 5m (got \"0s\")",
      "\"drain\":{\"idleSessionThreshold\":\"0m\"} | spec.drain.idleSessionThreshold: must be longer than 0s, such as 30s or 5m (got \"0m\")",
      "\"drain\":{\"drainTimeout\":\"banana\"}    | spec.drain.drainTimeout: \"banana\" is not a duration such as 30s, 5m or 1h30m",
      "\"affinity\":{\"cookie\":{\"idleTimeout\":\"0s\"}} | spec.affinity.cookie.idleTimeout: must be longer than 0s, such as 30s or 5m (got \"0s\")",
      "\"affinity\":{\"cookie\":{\"sameSite\":\"Sometimes\"}} | spec.affinity.cookie.sameSite: holds a value this operator does not know (it knows Strict, Lax, None); the StickyPool CRD is newer than the operator: upgrade the operator, or change the field",
      "\"signingKeys\":{\"rotationInterval\":\"0h\"} | spec.signingKeys.rotationInterval: must be longer than 0s, such as 30s or 5m (got \"0h\")",
  })
  void namesTheFieldAndWhatIsWrongWithIt(String field, String message) {
    StickyPool p = pool("{\"backend\":{\"service\":\"web\"}," + field + "}");

    assertThat(PoolSpecCheck.problem(p.getSpec())).get().extracting(Throwable::getMessage).isEqualTo(message);
  }

  @Test
  void aPoolWithinTheSchemaHasNoProblem() {
    assertThat(PoolSpecCheck.problem(pool("{\"backend\":{\"service\":\"web\"},\"drain\":{\"drainTimeout\":\"5m\"},"
        + "\"signingKeys\":{\"propagationDelay\":\"0s\"}}").getSpec())).isEmpty();
  }
}
