package io.stickypool.core.cookie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SigningKeyTest {
  @Test
  void toStringNeverShowsSecret() {
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) 'S');
    String text = new SigningKey(7, secret).toString();

    assertThat(text).contains("7", "redacted").doesNotContain("SSSS").doesNotContain("U1NT");
  }

  @Test
  void rejectsSecretShorterThan32Bytes() {
    assertThatThrownBy(() -> new SigningKey(1, new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("31 bytes");
  }

  @Test
  void rejectsIdOutside0To255() {
    assertThatThrownBy(() -> new SigningKey(256, new byte[32])).hasMessageContaining("256");
    assertThatThrownBy(() -> new SigningKey(-1, new byte[32])).hasMessageContaining("-1");
  }

  @Test
  void copiesSecretSoCallerCannotChangeIt() {
    byte[] secret = new byte[32];
    SigningKey key = new SigningKey(1, secret);
    secret[0] = 1;

    assertThat(key.secret()[0]).isZero();
    assertThat(key).isEqualTo(new SigningKey(1, new byte[32]));
  }

  @Test
  void generatedKeysDiffer() {
    SecureRandom random = new SecureRandom();
    assertThat(SigningKey.generate(1, random)).isNotEqualTo(SigningKey.generate(1, random));
  }
}
