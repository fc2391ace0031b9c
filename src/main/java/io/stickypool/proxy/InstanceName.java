package io.stickypool.proxy;

import java.io.IOException;
import java.net.InetAddress;

/** Who this proxy is in session reports: the pod name in Kubernetes, else the host name. */
final class InstanceName {
  private InstanceName() {}

  static String current() {
    for (String env : new String[] {"POD_NAME", "HOSTNAME"}) {
      String value = System.getenv(env);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "stickypool-proxy";
    }
  }
}
