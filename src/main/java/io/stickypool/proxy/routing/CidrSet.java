package io.stickypool.proxy.routing;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of CIDR blocks (IPv4 and IPv6) matched against addresses without any DNS lookup. Used for
 * the trusted proxies whose X-Forwarded-For the client-IP mode believes. Immutable.
 */
public final class CidrSet {
  private final List<byte[]> networks = new ArrayList<>();
  private final List<Integer> prefixes = new ArrayList<>();

  /** @throws IllegalArgumentException for an entry that is not {@code address/prefix} */
  public CidrSet(List<String> blocks) {
    for (String block : blocks) {
      int slash = block.indexOf('/');
      byte[] network =
          NetUtil.createByteArrayFromIpAddressString(slash < 0 ? block : block.substring(0, slash));
      if (network == null) {
        throw new IllegalArgumentException("not a CIDR block: " + block);
      }
      int prefix = slash < 0 ? network.length * 8 : Integer.parseInt(block.substring(slash + 1));
      if (prefix < 0 || prefix > network.length * 8) {
        throw new IllegalArgumentException("bad prefix length in " + block);
      }
      networks.add(network);
      prefixes.add(prefix);
    }
  }

  public boolean isEmpty() {
    return networks.isEmpty();
  }

  public boolean contains(InetAddress address) {
    return address != null && contains(address.getAddress());
  }

  /** Whether the textual IP is inside a block; false for anything that is not an IP literal. */
  public boolean contains(String ip) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(ip);
    return bytes != null && contains(bytes);
  }

  private boolean contains(byte[] address) {
    for (int i = 0; i < networks.size(); i++) {
      if (matches(networks.get(i), prefixes.get(i), address)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(byte[] network, int prefix, byte[] address) {
    if (network.length != address.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (network[i] != address[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (network[full] & mask) == (address[full] & mask);
  }
}
