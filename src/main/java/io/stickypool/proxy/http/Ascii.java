package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;

/** Byte-level HTTP grammar over a ByteBuf region (RFC 9110 5.6): tokens, lists, numbers. */
final class Ascii {
  static final byte[] HTTP_1_ = bytes("HTTP/1.");
  static final byte[] WEBSOCKET = bytes("websocket");
  static final byte[] CHUNKED = bytes("chunked");
  static final byte[] CRLF = bytes("\r\n");
  private static final boolean[] TCHAR = new boolean[256];
  /** field-vchar, SP, HTAB and obs-text (negative as a byte): what {@link #isFieldText} accepts. */
  private static final ByteProcessor FIELD_TEXT = b -> (b >= 0x20 || b < 0 || b == '\t') && b != 0x7f;

  static {
    for (char c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 32] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  private Ascii() {}

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static boolean isTokenChar(byte b) {
    return TCHAR[b & 0xff];
  }

  static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\t';
  }

  /** field-vchar, SP and HTAB (obs-text allowed); no other control character, no DEL. */
  static boolean isFieldText(ByteBuf buf, int from, int to) {
    // One bounds check for the range rather than one per byte: this runs over every field value.
    return to <= from || buf.forEachByte(from, to - from, FIELD_TEXT) < 0;
  }

  static int skipWhitespace(ByteBuf buf, int from, int to) {
    while (from < to && isWhitespace(buf.getByte(from))) {
      from++;
    }
    return from;
  }

  static int trimWhitespace(ByteBuf buf, int from, int to) {
    while (to > from && isWhitespace(buf.getByte(to - 1))) {
      to--;
    }
    return to;
  }

  static boolean startsWith(ByteBuf buf, int at, byte[] prefix) {
    if (at + prefix.length > buf.writerIndex()) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (buf.getByte(at + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code buf[from, to)} is exactly {@code bytes}. */
  static boolean equals(ByteBuf buf, int from, int to, byte[] bytes) {
    if (to - from != bytes.length) {
      return false;
    }
    for (int i = 0; i < bytes.length; i++) {
      if (buf.getByte(from + i) != bytes[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code buf[from, to)} equals {@code lower} ignoring ASCII case. */
  static boolean equalsIgnoreCase(ByteBuf buf, int from, int to, byte[] lower) {
    if (to - from != lower.length) {
      return false;
    }
    for (int i = 0; i < lower.length; i++) {
      if (lowerCase(buf.getByte(from + i)) != lower[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code buf[from, to)} equals {@code s} (ASCII) ignoring ASCII case. */
  static boolean equalsIgnoreCase(ByteBuf buf, int from, int to, CharSequence s) {
    if (to - from != s.length()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (lowerCase(buf.getByte(from + i)) != lowerCase((byte) s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static byte lowerCase(byte b) {
    return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
  }

  /** The decimal value of {@code buf[from, to)} (at most 18 digits), or -1 when it is not all digits. */
  static long digits(ByteBuf buf, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) {
      byte b = buf.getByte(i);
      if (b < '0' || b > '9') {
        return -1;
      }
      v = v * 10 + (b - '0');
    }
    return v;
  }

  /** A Content-Length value: 1 to 18 digits, nothing else; -1 otherwise. */
  static long parseLength(ByteBuf buf, int from, int to) {
    return to <= from || to - from > 18 ? -1 : digits(buf, from, to);
  }

  /** Whether the comma-separated list in {@code buf[from, to)} has the token {@code lower}. */
  static boolean hasToken(ByteBuf buf, int from, int to, byte[] lower) {
    return countToken(buf, from, to, lower) > 0;
  }

  /** How often the comma-separated list in {@code buf[from, to)} has the token {@code lower}. */
  static int countToken(ByteBuf buf, int from, int to, byte[] lower) {
    int count = 0;
    int start = from;
    while (start <= to) {
      int comma = buf.indexOf(start, to, (byte) ',');
      int end = comma < 0 ? to : comma;
      if (equalsIgnoreCase(buf, skipWhitespace(buf, start, end), trimWhitespace(buf, start, end), lower)) {
        count++;
      }
      start = end + 1;
    }
    return count;
  }

  /** Whether the last element of the comma-separated list in {@code buf[from, to)} is {@code lower}. */
  static boolean lastTokenIs(ByteBuf buf, int from, int to, byte[] lower) {
    int comma = to - 1;
    while (comma >= from && buf.getByte(comma) != ',') {
      comma--;
    }
    int start = skipWhitespace(buf, comma + 1, to);
    return equalsIgnoreCase(buf, start, trimWhitespace(buf, start, to), lower);
  }
}
