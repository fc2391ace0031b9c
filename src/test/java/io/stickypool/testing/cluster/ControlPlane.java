package io.stickypool.testing.cluster;

import io.stickypool.sandbox.controlplane.ControlPlaneBinaries;
import io.stickypool.sandbox.controlplane.LocalControlPlane;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The test JVM's one {@link LocalControlPlane}: started on first use, raised to the level a test
 * class asks for, stopped when the JVM exits. On the cluster level, KWOK's made-up pod and Service
 * ranges are routed to a blackhole (where the machine lets us), so that a test that forgot to map
 * a pod IP to loopback fails instead of sending packets anywhere.
 */
public final class ControlPlane {
  public enum Level {
    API_SERVER,
    CLUSTER
  }

  public static final String NODE = LocalControlPlane.NODE;

  private static LocalControlPlane shared;

  private ControlPlane() {}

  public static synchronized LocalControlPlane shared(Level level) {
    try {
      if (shared == null) {
        Path dir = Path.of("target", "control-plane", String.valueOf(ProcessHandle.current().pid())).toAbsolutePath();
        shared = LocalControlPlane.start(ControlPlaneBinaries.locate(), dir);
        Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "control-plane-stop"));
      }
      if (level == Level.CLUSTER) {
        shared.startCluster(true);
      }
      return shared;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the control plane", e);
    }
  }
}
