package io.stickypool.contract;

/**
 * Syntax check for CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}) without the JDK's {@code
 * InetAddress}, which falls back to a DNS lookup for text it does not recognise as an address.
 * Host bits may be set ({@code 10.1.2.3/8}), as Go's {@code net.ParseCIDR} allows.
 */
public final class Cidr {
  private Cidr() {}

  public static boolean isValid(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return false;
    }
    String address = text.substring(0, slash);
    String prefix = text.substring(slash + 1);
    if (address.indexOf(':') >= 0) {
      return isIpv6(address) && isNumberUpTo(prefix, 128);
    }
    return isIpv4(address) && isNumberUpTo(prefix, 32);
  }

  private static boolean isIpv4(String address) {
    String[] octets = address.split("\\.", -1);
    if (octets.length != 4) {
      return false;
    }
    for (String octet : octets) {
      if (!isNumberUpTo(octet, 255) || (octet.length() > 1 && octet.charAt(0) == '0')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isIpv6(String address) {
    int gap = address.indexOf("::");
    if (gap >= 0 && address.indexOf("::", gap + 1) >= 0) {
      return false;
    }
    if (gap < 0) {
      return groups(address, true) == 8;
    }
    int head = gap == 0 ? 0 : groups(address.substring(0, gap), false);
    int tail = gap + 2 == address.length() ? 0 : groups(address.substring(gap + 2), true);
    return head >= 0 && tail >= 0 && head + tail <= 7;
  }

  /** Counts 16-bit groups (an embedded IPv4 tail counts two), or -1 when malformed. */
  private static int groups(String part, boolean mayEndInIpv4) {
    String[] groups = part.split(":", -1);
    int count = 0;
    for (int i = 0; i < groups.length; i++) {
      String group = groups[i];
      if (mayEndInIpv4 && i == groups.length - 1 && group.indexOf('.') >= 0) {
        if (!isIpv4(group)) {
          return -1;
        }
        count += 2;
      } else if (group.isEmpty() || group.length() > 4 || !group.matches("[0-9a-fA-F]+")) {
        return -1;
      } else {
        count++;
      }
    }
    return count;
  }

  private static boolean isNumberUpTo(String digits, int max) {
    if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    return Integer.parseInt(digits) <= max;
  }
}
