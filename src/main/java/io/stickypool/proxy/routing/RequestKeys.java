package io.stickypool.proxy.routing;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/** Pulls the effective client address out of requests, for client-IP affinity. */
final class RequestKeys {
  private RequestKeys() {}

  /**
   * The client's address for client-IP affinity: the peer address, or, when the peer is a trusted
   * proxy, the right-most X-Forwarded-For entry that is not itself a trusted proxy (the left-most
   * entries are whatever the client chose to send, so they are never believed blindly).
   */
  static String clientIp(InetSocketAddress peer, RequestFields request, CidrSet trusted) {
    InetAddress peerAddress = peer.getAddress();
    String peerIp = peerAddress != null ? NetUtil.toAddressString(peerAddress) : peer.getHostString();
    if (trusted.isEmpty() || !trusted.contains(peerAddress)) {
      return peerIp;
    }
    List<String> xff = request.all("X-Forwarded-For");
    for (int h = xff.size() - 1; h >= 0; h--) {
      String[] hops = xff.get(h).split(",");
      for (int i = hops.length - 1; i >= 0; i--) {
        String hop = hops[i].trim();
        if (hop.isEmpty()) {
          continue;
        }
        if (!trusted.contains(hop)) {
          return NetUtil.isValidIpV4Address(hop) || NetUtil.isValidIpV6Address(hop) ? hop : peerIp;
        }
      }
    }
    return peerIp;
  }
}
