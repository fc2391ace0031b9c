package io.stickypool.proxy.http;

/**
 * The grammar of a Host field value (RFC 9110 7.2: {@code uri-host [ ":" port ]}, with uri-host an
 * IP-literal in brackets, an IPv4 address or a reg-name of RFC 3986). Anything else in a Host field
 * (spaces, '@', '/', a second port) is how one message gets two readings, so it is refused.
 */
final class HostField {
  private static final String SUB_DELIMS = "!$&'()*+,;=";

  private HostField() {}

  static boolean isValid(CharSequence value) {
    int hostEnd;
    if (value.length() > 0 && value.charAt(0) == '[') {
      hostEnd = indexOf(value, ']');
      if (hostEnd < 0 || !isIpLiteralBody(value, 1, hostEnd)) {
        return false;
      }
      hostEnd++;
    } else {
      hostEnd = indexOf(value, ':');
      if (hostEnd < 0) {
        hostEnd = value.length();
      }
      if (!isRegName(value, 0, hostEnd)) {
        return false;
      }
    }
    if (hostEnd == value.length()) {
      return true;
    }
    return value.charAt(hostEnd) == ':' && isDigits(value, hostEnd + 1, value.length());
  }

  /** reg-name = *( unreserved / pct-encoded / sub-delims ); IPv4 addresses fit this too. */
  private static boolean isRegName(CharSequence s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= to || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
          return false;
        }
        i += 2;
      } else if (!isUnreserved(c) && SUB_DELIMS.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /** IPv6 (hex digits, ':' and a dotted tail) or IPvFuture ({@code v<hex>.<chars>}). */
  private static boolean isIpLiteralBody(CharSequence s, int from, int to) {
    if (from == to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!isUnreserved(c) && c != ':' && SUB_DELIMS.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigits(CharSequence s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(CharSequence s, char c) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~';
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
