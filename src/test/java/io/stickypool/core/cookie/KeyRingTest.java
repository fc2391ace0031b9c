package io.stickypool.core.cookie;

import static io.stickypool.core.cookie.CookieFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRingTest {
  private static final String SECRET_A = base64Of(0x11); // 32 bytes
  private static final String SECRET_B = base64Of(0x22);

  private static String base64Of(int fill) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) fill);
    return Base64.getEncoder().encodeToString(b);
  }

  @Test
  void parsesKeysInOrderAndLastLineSigns() {
    KeyRing ring =
        KeyRing.parse("# keys\n\n1:" + SECRET_A + "\r\n  2 : " + SECRET_B + "  \n# end\n");

    assertThat(ring.keys()).containsExactly(key(1, 0x11), key(2, 0x22));
    assertThat(ring.signingKey().id()).isEqualTo(2);
    assertThat(ring.key(1)).isEqualTo(key(1, 0x11));
  }

  @Test
  void acceptsSecretWithoutPadding() {
    KeyRing ring = KeyRing.parse("4:" + SECRET_A.replace("=", ""));
    assertThat(ring.signingKey()).isEqualTo(key(4, 0x11));
  }

  @Test
  void formatReadsBackToEqualRing() {
    KeyRing ring = KeyRing.of(key(200, 0x11), key(0, 0x22));
    assertThat(KeyRing.parse(ring.format())).isEqualTo(ring);
  }

  @Test
  void generatesOneFreshKeyThatRoundTrips() {
    KeyRing ring = KeyRing.generate(new SecureRandom());

    assertThat(ring.keys()).hasSize(1);
    assertThat(ring.signingKey().id()).isEqualTo(KeyRing.FIRST_KEY_ID);
    assertThat(KeyRing.parse(ring.format())).isEqualTo(ring);
  }

  @Test
  void rejectsDuplicateIdNamingBothLines() {
    assertThatThrownBy(() -> KeyRing.parse("1:" + SECRET_A + "\n# x\n1:" + SECRET_B))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key ring line 3: key id 1 is already defined on line 1");
    assertThatThrownBy(() -> KeyRing.of(key(1, 1), key(1, 2))).hasMessageContaining("listed twice");
  }

  @Test
  void rejectsBadLinesNamingLineWithoutSecretBytes() {
    assertBadLine("1:" + SECRET_A + "\n" + SECRET_B, "line 2: expected <id>:<base64 secret>");
    assertBadLine("x1:" + SECRET_A, "line 1: key id must be a number 0..255");
    assertBadLine("256:" + SECRET_A, "line 1: key id must be a number 0..255");
    assertBadLine("-1:" + SECRET_A, "line 1: key id must be a number 0..255");
    assertBadLine(
        "\n\n1:" + SECRET_A.replace('E', '-'), "line 3: secret of key 1 is not valid base64");
    assertBadLine(
        "1:c2hvcnQgc2VjcmV0", "line 1: secret of key 1 has 12 bytes, at least 32 are needed");
  }

  @Test
  void rejectsTextWithoutKeys() {
    assertThatThrownBy(() -> KeyRing.parse("# only a comment\n\n")).hasMessageContaining("no keys");
    assertThatThrownBy(() -> KeyRing.of()).hasMessageContaining("at least one key");
  }

  @Test
  void retiringKeyRemovesItAndLeavesOrder() {
    KeyRing ring = KeyRing.of(key(1, 1), key(2, 2), key(3, 3)).withoutKey(2);

    assertThat(ring.keys()).extracting(SigningKey::id).containsExactly(1, 3);
    assertThat(ring.key(2)).isNull();
    assertThatThrownBy(() -> ring.withoutKey(9)).hasMessageContaining("9");
    assertThatThrownBy(() -> KeyRing.of(key(1, 1)).withoutKey(1))
        .hasMessageContaining("at least one key");
  }

  @Test
  void unknownIdsLookUpAsNull() {
    KeyRing ring = KeyRing.of(key(1, 1));
    assertThat(List.of(-1, 0, 256)).allSatisfy(id -> assertThat(ring.key(id)).isNull());
  }

  @Test
  void toStringListsIdsOnly() {
    assertThat(KeyRing.of(key(1, 0x11), key(2, 0x22)).toString())
        .isEqualTo("KeyRing{ids=[1, 2], signing=2}");
  }

  private static void assertBadLine(String text, String message) {
    assertThatThrownBy(() -> KeyRing.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key ring " + message)
        .hasNoCause()
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET_A.substring(0, 8)));
  }
}
