package io.stickypool.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.stickypool.core.cookie.KeyRing;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SigningSecretModelTest {
  private static final PoolIdentity POOL = new PoolIdentity("web", "shop", "uid-1", 1L);

  @Test
  void keepsTheRingAcrossAWriteAndReadBack() {
    KeyRing ring = KeyRing.generate(new SecureRandom());

    Secret secret = SigningSecretModel.desired(POOL, ring);

    assertThat(SigningSecretModel.keyRing(secret)).contains(ring);
  }

  @Test
  void readsAHandWrittenStringDataSecret() {
    KeyRing ring = KeyRing.generate(new SecureRandom());
    Secret secret = new SecretBuilder().addToStringData("keys", ring.format()).build();

    assertThat(SigningSecretModel.keyRing(secret)).contains(ring);
  }

  @Test
  void reportsNothingWhenTheSecretHasNoKeysYet() {
    assertThat(SigningSecretModel.keyRing(new Secret())).isEmpty();
    assertThat(SigningSecretModel.keyRing(null)).isEmpty();
  }

  @Test
  void refusesACorruptRingWithoutQuotingIt() {
    Secret secret = new SecretBuilder().addToData("keys", "not*base64").build();

    assertThatThrownBy(() -> SigningSecretModel.keyRing(secret))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid base64")
        .hasMessageNotContaining("not*base64");
  }
}
