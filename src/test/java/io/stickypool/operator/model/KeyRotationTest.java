package io.stickypool.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.cookie.SigningKey;
import io.stickypool.operator.model.KeyRotation.Rotation;
import io.stickypool.operator.model.KeyRotation.Step;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRotationTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private final SecureRandom random = new SecureRandom();

  @Test
  void stagesTheNewKeyBeforeTheSigningKeySoTheOldKeyStillSigns() {
    KeyRing start = KeyRing.of(key(1));

    Rotation staged = KeyRotation.rotate(start, random, NOW);

    assertThat(staged.step()).isEqualTo(Step.STAGED);
    assertThat(ids(staged.ring())).containsExactly(2, 1);
    assertThat(staged.ring().signingKey()).isEqualTo(key(1));
    assertThat(staged.at()).isEqualTo(NOW);
  }

  @Test
  void cyclesStagePromoteRetireKeepingTheNewKey() {
    Rotation staged = KeyRotation.rotate(KeyRing.of(key(1)), random, NOW);
    Rotation promoted = KeyRotation.rotate(staged.ring(), random, NOW);
    Rotation retired = KeyRotation.rotate(promoted.ring(), random, NOW);
    Rotation next = KeyRotation.rotate(retired.ring(), random, NOW);

    assertThat(promoted.step()).isEqualTo(Step.PROMOTED);
    assertThat(ids(promoted.ring())).containsExactly(1, 2);
    assertThat(promoted.ring().signingKey()).isEqualTo(staged.ring().key(2));
    assertThat(retired.step()).isEqualTo(Step.RETIRED);
    assertThat(ids(retired.ring())).containsExactly(2);
    assertThat(retired.ring().signingKey()).isEqualTo(staged.ring().key(2));
    assertThat(next.step()).isEqualTo(Step.STAGED);
    assertThat(ids(next.ring())).containsExactly(3, 2);
  }

  @Test
  void wrapsTheKeyIdAfter255() {
    Rotation staged = KeyRotation.rotate(KeyRing.of(key(255)), random, NOW);
    Rotation promoted = KeyRotation.rotate(staged.ring(), random, NOW);

    assertThat(ids(staged.ring())).containsExactly(0, 255);
    assertThat(ids(promoted.ring())).containsExactly(255, 0);
    assertThat(promoted.ring().signingKey().id()).isZero();
  }

  @Test
  void retiresEveryOlderKeyOfAHandWrittenRing() {
    Rotation retired = KeyRotation.rotate(KeyRing.of(key(4), key(7), key(9)), random, NOW);

    assertThat(retired.step()).isEqualTo(Step.RETIRED);
    assertThat(ids(retired.ring())).containsExactly(9);
  }

  static List<Integer> ids(KeyRing ring) {
    return ring.keys().stream().map(SigningKey::id).toList();
  }

  static SigningKey key(int id) {
    byte[] secret = new byte[SigningKey.MIN_SECRET_BYTES];
    secret[0] = (byte) id;
    return new SigningKey(id, secret);
  }
}
