package io.stickypool.core.snapshot;

/** Character rules for HTTP tokens and cookie attribute values (RFC 9110 5.6.2, RFC 6265 4.1.1). */
final class Tokens {
  private static final String SEPARATORS = "()<>@,;:\\\"/[]?={} \t";

  private Tokens() {}

  static boolean isToken(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f || SEPARATORS.indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  static boolean isCookieAttributeValue(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f || c == ';') {
        return false;
      }
    }
    return true;
  }
}
