package io.stickypool.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.stickypool.api.v1alpha1.StickyPoolStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TlsSecretStatusTest {
  @Test
  void namesAMissingSecretOrAMissingKeyAndAcceptsATlsSecret() {
    assertThat(TlsSecretStatus.problem("shop", "web-tls", null))
        .hasValueSatisfying(p -> assertThat(p).startsWith("Secret shop/web-tls (spec.proxy.tls.secretName) not found"));
    assertThat(TlsSecretStatus.problem("shop", "web-tls",
        new SecretBuilder().withData(Map.of("tls.crt", "Y2VydA==")).build()))
        .hasValueSatisfying(p -> assertThat(p).contains("has no tls.key"));
    assertThat(TlsSecretStatus.problem("shop", "web-tls",
        new SecretBuilder().withData(Map.of("tls.crt", "Y2VydA==", "tls.key", "a2V5")).build())).isEmpty();
  }

  @Test
  void writesReadyFalseWithTheReason() {
    StickyPoolStatus status = new StickyPoolStatus();

    TlsSecretStatus.write(status, "Secret shop/web-tls not found", Instant.parse("2026-01-01T00:00:00Z"));

    assertThat(status.getConditions()).singleElement().satisfies(c -> {
      assertThat(c.getType()).isEqualTo("Ready");
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("TlsSecretInvalid");
    });
  }
}
