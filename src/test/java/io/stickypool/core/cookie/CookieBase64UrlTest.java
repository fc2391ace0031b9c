package io.stickypool.core.cookie;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Base64;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CookieBase64UrlTest {
  private final byte[] buffer = new byte[90];

  @Test
  void agreesWithJdkForEveryLengthUpTo90Bytes() {
    SplittableRandom random = new SplittableRandom(42);
    for (int n = 0; n <= 90; n++) {
      byte[] data = new byte[n];
      random.nextBytes(data);
      String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(data);

      assertThat(Base64Url.encode(data, n)).as("length %d", n).isEqualTo(expected);
      assertThat(Base64Url.decode(expected, buffer)).as("length %d", n).isEqualTo(n);
      assertThat(Arrays.copyOf(buffer, n)).isEqualTo(data);
    }
  }

  @Test
  void rejectsNonZeroUnusedBits() {
    assertThat(Base64Url.decode("AA", buffer)).isEqualTo(1);
    assertThat(Base64Url.decode("AB", buffer)).isEqualTo(-1); // 4 unused bits, lowest set
    assertThat(Base64Url.decode("AAA", buffer)).isEqualTo(2);
    assertThat(Base64Url.decode("AAB", buffer)).isEqualTo(-1); // 2 unused bits, lowest set
  }

  @Test
  void rejectsImpossibleLengthsPaddingAndForeignCharacters() {
    assertThat(Base64Url.decode("AAAAA", buffer)).isEqualTo(-1);
    assertThat(Base64Url.decode("AA==", buffer)).isEqualTo(-1);
    assertThat(Base64Url.decode("AA+A", buffer)).isEqualTo(-1);
    assertThat(Base64Url.decode("AA\u0100A", buffer)).isEqualTo(-1);
    assertThat(Base64Url.decode("AAA\u0301", buffer)).isEqualTo(-1);
  }

  @Test
  void rejectsTextLongerThanBuffer() {
    assertThat(Base64Url.decode("A".repeat(124), buffer)).isEqualTo(-1);
    assertThat(Base64Url.decode("A".repeat(120), buffer)).isEqualTo(90);
  }
}
