package io.stickypool.core.cookie;

import static io.stickypool.core.cookie.CookieFixtures.bytesOf;
import static io.stickypool.core.cookie.CookieFixtures.key;
import static io.stickypool.core.cookie.CookieFixtures.valueOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Decode never throws and never accepts a value it did not write. Each run uses a fresh seed, which
 * every failure message states; rerun with {@code -Dstickypool.fuzz.seed=<seed>} to reproduce.
 */
class CookieCodecFuzzTest {
  private static final int RANDOM_INPUTS = 100_000;
  private static final int MUTATIONS = 100_000;
  private static final String URL_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final String[] ALPHABETS = {
    URL_ALPHABET,
    URL_ALPHABET + "+/=",
    " !\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~\t\r\n\0Aa0",
    "éü日本\u0301\ud83d\ude00"
  };

  private final long seed = Long.getLong("stickypool.fuzz.seed", new SplittableRandom().nextLong());
  private final SplittableRandom random = new SplittableRandom(seed);
  private final CookieCodec codec =
      CookieFixtures.codec(KeyRing.of(key(1, 0x11), key(2, 0x22)), CookieFixtures.clock());

  @Test
  void randomTextIsNeverAcceptedAndNeverThrows() {
    for (int i = 0; i < RANDOM_INPUTS; i++) {
      String input = switch (i % 4) {
        case 0 -> anyCharacters(random.nextInt(0, 130));
        case 1 -> randomText(random.nextInt(60, 76), URL_ALPHABET);
        case 2 -> randomText(random.nextInt(0, 130), ALPHABETS[random.nextInt(ALPHABETS.length)]);
        default -> versionOneWithKnownKey();
      };
      CookieDecodeResult r = decode(input, i);
      if (r.status().authenticated() || r.cookie() != null) {
        fail(context(i, input) + ": accepted as " + r.status());
      }
    }
  }

  @Test
  void mutatedCookiesAreNeverAcceptedUnlessUnchanged() {
    List<String> originals = validCookies(64);
    int unchanged = 0;
    for (int i = 0; i < MUTATIONS; i++) {
      String original = originals.get(random.nextInt(originals.size()));
      String mutated = mutate(original);
      CookieDecodeResult r = decode(mutated, i);
      if (mutated.equals(original)) {
        unchanged++;
        if (r.status() != CookieStatus.VALID) {
          fail(context(i, mutated) + ": unchanged cookie judged " + r.status());
        }
      } else if (r.status().authenticated() || r.cookie() != null) {
        fail(context(i, mutated) + " (mutated from " + original + "): accepted as " + r.status());
      }
    }
    assertThat(unchanged)
        .as("seed %d: most mutations change the value", seed)
        .isLessThan(MUTATIONS / 10);
  }

  private CookieDecodeResult decode(String input, int i) {
    try {
      return codec.decode(input);
    } catch (RuntimeException e) {
      throw new AssertionError(context(i, input) + ": decode threw", e);
    }
  }

  private String context(int i, String input) {
    return "seed " + seed + " (rerun with -Dstickypool.fuzz.seed=" + seed + "), iteration " + i
        + ", input " + escape(input);
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return sb.append('"').toString();
  }

  private List<String> validCookies(int n) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String v = codec.encode(codec.newSession(random.nextLong(), random));
      assertThat(codec.decode(v).status()).isEqualTo(CookieStatus.VALID);
      values.add(v);
    }
    return values;
  }

  private String mutate(String v) {
    return switch (random.nextInt(6)) {
      case 0 -> flipDecodedBit(v);
      case 1 -> replaceChar(v, random.nextInt(v.length()), URL_ALPHABET.charAt(random.nextInt(64)));
      case 2 -> replaceChar(v, random.nextInt(v.length()), (char) random.nextInt(0x10000));
      case 3 -> v.substring(0, random.nextInt(v.length()));
      case 4 -> v + randomText(random.nextInt(1, 8), ALPHABETS[random.nextInt(ALPHABETS.length)]);
      default -> flipCharBit(v);
    };
  }

  private String flipDecodedBit(String v) {
    byte[] b = bytesOf(v);
    int bit = random.nextInt(b.length * 8);
    b[bit / 8] ^= (byte) (1 << (bit % 8));
    return valueOf(b);
  }

  /** Flips one of the low bits of one character: often another alphabet character. */
  private String flipCharBit(String v) {
    int at = random.nextInt(v.length());
    return replaceChar(v, at, (char) (v.charAt(at) ^ (1 << random.nextInt(8))));
  }

  private static String replaceChar(String v, int at, char c) {
    return v.substring(0, at) + c + v.substring(at + 1);
  }

  /** 50 random bytes with version 1 and a key the ring has: reaches the signature check. */
  private String versionOneWithKnownKey() {
    byte[] b = new byte[CookieLayout.LENGTH];
    random.nextBytes(b);
    b[CookieLayout.OFF_VERSION] = CookieLayout.VERSION;
    b[CookieLayout.OFF_KEY_ID] = (byte) random.nextInt(1, 3);
    // last-seen = issued-at, so the structure check passes and the tag is what decides
    System.arraycopy(b, CookieLayout.OFF_ISSUED_AT, b, CookieLayout.OFF_LAST_SEEN, 4);
    return valueOf(b);
  }

  /** Any UTF-16 code units, lone surrogates included. */
  private String anyCharacters(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append((char) random.nextInt(0x10000));
    }
    return sb.toString();
  }

  private String randomText(int length, String alphabet) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
