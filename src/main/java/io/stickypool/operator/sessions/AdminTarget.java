package io.stickypool.operator.sessions;

import java.util.Objects;

/**
 * One proxy instance to ask for its session report: a Deployment pod today, a sidecar later.
 *
 * @param pod the pod's name, used in partial-result messages
 */
public record AdminTarget(String pod, String host, int port) {
  public AdminTarget {
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, got " + port);
    }
  }

  @Override
  public String toString() {
    return pod + " (" + host + ":" + port + ")";
  }
}
