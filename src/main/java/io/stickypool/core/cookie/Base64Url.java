package io.stickypool.core.cookie;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Canonical base64url without padding (RFC 4648 section 5), written by hand because the JDK
 * decoder allocates, throws on bad input (costly when forged cookies arrive in bulk) and ignores
 * non-zero unused bits in the last character. This decoder rejects those bits, so every byte
 * string has exactly one accepted text form and a cookie cannot be varied without changing its
 * bytes.
 *
 * <p>Stateless and thread-safe.
 */
final class Base64Url {
  private static final byte[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
          .getBytes(StandardCharsets.US_ASCII);
  /** Sextet value of each ASCII character, -1 where the character is not in the alphabet. */
  private static final byte[] VALUES = new byte[128];

  static {
    Arrays.fill(VALUES, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = (byte) i;
    }
  }

  private Base64Url() {}

  static int encodedLength(int byteCount) {
    return (byteCount * 4 + 2) / 3;
  }

  /** The most bytes a text of {@code charCount} characters can decode to. */
  static int maxDecodedLength(int charCount) {
    return charCount * 3 / 4;
  }

  static String encode(byte[] src, int length) {
    byte[] out = new byte[encodedLength(length)];
    int o = 0;
    int i = 0;
    for (; i + 3 <= length; i += 3) {
      int v = (src[i] & 0xff) << 16 | (src[i + 1] & 0xff) << 8 | (src[i + 2] & 0xff);
      out[o++] = ALPHABET[v >>> 18];
      out[o++] = ALPHABET[(v >>> 12) & 63];
      out[o++] = ALPHABET[(v >>> 6) & 63];
      out[o++] = ALPHABET[v & 63];
    }
    int rest = length - i;
    if (rest > 0) {
      int v = (src[i] & 0xff) << 16 | (rest == 2 ? (src[i + 1] & 0xff) << 8 : 0);
      out[o++] = ALPHABET[v >>> 18];
      out[o++] = ALPHABET[(v >>> 12) & 63];
      if (rest == 2) {
        out[o] = ALPHABET[(v >>> 6) & 63];
      }
    }
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  /**
   * Decodes {@code text} into {@code dst} from index 0.
   *
   * @return the number of bytes written, or -1 when the text is not canonical base64url (a
   *     character outside the alphabet, an impossible length, non-zero unused bits) or would not
   *     fit in {@code dst}; never throws for any text
   */
  static int decode(CharSequence text, byte[] dst) {
    int len = text.length();
    if (len % 4 == 1 || maxDecodedLength(len) > dst.length) {
      return -1;
    }
    int full = len - len % 4;
    int o = 0;
    for (int i = 0; i < full; i += 4) {
      // A -1 sextet makes the whole word negative, so one test per group catches any bad char.
      int v = sextet(text, i) << 18 | sextet(text, i + 1) << 12
          | sextet(text, i + 2) << 6 | sextet(text, i + 3);
      if (v < 0) {
        return -1;
      }
      dst[o++] = (byte) (v >>> 16);
      dst[o++] = (byte) (v >>> 8);
      dst[o++] = (byte) v;
    }
    return len == full ? o : decodeTail(text, full, dst, o);
  }

  private static int decodeTail(CharSequence text, int i, byte[] dst, int o) {
    if (text.length() - i == 2) {
      int v = sextet(text, i) << 6 | sextet(text, i + 1);
      if (v < 0 || (v & 0xf) != 0) {
        return -1;
      }
      dst[o] = (byte) (v >>> 4);
      return o + 1;
    }
    int v = sextet(text, i) << 12 | sextet(text, i + 1) << 6 | sextet(text, i + 2);
    if (v < 0 || (v & 0x3) != 0) {
      return -1;
    }
    dst[o] = (byte) (v >>> 10);
    dst[o + 1] = (byte) (v >>> 2);
    return o + 2;
  }

  private static int sextet(CharSequence text, int index) {
    char c = text.charAt(index);
    return c < 128 ? VALUES[c] : -1;
  }
}
