package io.stickypool.core.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.CharBuffer;
import java.util.Arrays;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * KeyHash is a contract between processes: these vectors pin it. If one fails, the algorithm
 * changed and every replica running the old version would route keys elsewhere; do not update the
 * vectors to make the test pass unless that change is intended and announced. The values were
 * checked against an independent implementation (Python, FNV-1a + murmur3 fmix64).
 */
class KeyHashTest {

  @Test
  void fnvStageMatchesThePublishedFnv1aVectorsForAscii() {
    assertThat(KeyHash.fnv1a("", 0, 0)).isEqualTo(0xcbf29ce484222325L);
    assertThat(KeyHash.fnv1a("a", 0, 1)).isEqualTo(0xaf63dc4c8601ec8cL);
    assertThat(KeyHash.fnv1a("foobar", 0, 6)).isEqualTo(0x85944171f73967e8L);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @CsvSource(
      delimiter = '|',
      emptyValue = "",
      value = {
        "''                       | efd01f60ba992926",
        "a                        | 82a2a958a9bece5b",
        "foobar                   | 2c22194922d1672b",
        "checkout-7d9f8b6c5-x2k4p | 66fe2a7983a51214",
        "10.0.0.1                 | c879e56ddc6c5c88",
        "\u00e9t\u00e9            | 8b8a8c60a097ba91",
        "\ud83d\ude00             | 5f6398e188038c1d",
      })
  void textHashesArePinned(String text, String expectedHex) {
    assertThat(KeyHash.hash(text)).isEqualTo(Long.parseUnsignedLong(expectedHex, 16));
  }

  @Test
  void numberAndPairHashesArePinned() {
    assertThat(KeyHash.hash(0L)).isEqualTo(0x9ca066f1a4ab2eeaL);
    assertThat(KeyHash.hash(1L)).isEqualTo(0xe5fdc025e13eeed5L);
    assertThat(KeyHash.hash(-1L)).isEqualTo(0x25b775faeca8f520L);
    assertThat(KeyHash.hash(42L)).isEqualTo(0x2d1c8760f8047fc7L);
    assertThat(KeyHash.combine(1L, 2L)).isEqualTo(0xe85028e6b31f8e7aL);
  }

  @Test
  void hashDependsOnTheCharactersNotOnTheCharSequenceType() {
    String text = "session-4f1c2b";
    long expected = KeyHash.hash(text);

    assertThat(KeyHash.hash(new StringBuilder(text))).isEqualTo(expected);
    assertThat(KeyHash.hash(CharBuffer.wrap(text))).isEqualTo(expected);
  }

  @Test
  void rangeHashesLikeItsSubstring() {
    String header = "x-user: alice-42;";

    assertThat(KeyHash.hash(header, 8, 16)).isEqualTo(KeyHash.hash("alice-42"));
  }

  @Test
  void latin1BytesHashLikeTheTextTheyEncode() {
    for (String text : new String[] {"", "10.0.0.1", "JSESSIONID=abc", "caf\u00e9"}) {
      byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
      assertThat(KeyHash.hash(bytes, 0, bytes.length)).as(text).isEqualTo(KeyHash.hash(text));
    }
    byte[] framed = "[[10.0.0.1]]".getBytes(StandardCharsets.US_ASCII);
    assertThat(KeyHash.hash(framed, 2, 8)).isEqualTo(KeyHash.hash("10.0.0.1"));
  }

  @Test
  void rejectsRangesOutsideTheInput() {
    assertThatThrownBy(() -> KeyHash.hash("abc", 1, 4))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> KeyHash.hash(new byte[3], 2, 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void sequentialKeysSpreadEvenlyOverTheTopBits() {
    // The ring orders by the high bits, so near-identical short keys must still scatter there.
    int[] buckets = new int[64];
    int keys = 64_000;
    for (int i = 0; i < keys; i++) {
      buckets[(int) (KeyHash.hash("user-" + i) >>> 58)]++;
    }
    int expected = keys / buckets.length;
    assertThat(Arrays.stream(buckets).min().orElseThrow()).isGreaterThan(expected * 9 / 10);
    assertThat(Arrays.stream(buckets).max().orElseThrow()).isLessThan(expected * 11 / 10);
  }
}
