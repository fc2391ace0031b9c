package io.stickypool.cli;

import io.stickypool.demo.ClusterDemo;
import io.stickypool.demo.ClusterDemoOptions;
import io.stickypool.demo.ClusterDemoSummary;
import io.stickypool.demo.DemoSummary;
import io.stickypool.demo.PlacementSimulation;
import io.stickypool.demo.ProxyDemo;
import io.stickypool.sandbox.controlplane.ControlPlaneBinaries;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the demo: on the embedded API (no cluster) or on a real local control plane. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Watch sticky sessions survive a scale-down on this machine, no cluster needed.",
      "",
      "An embedded Kubernetes API, the real operator, samples/backend-app.yaml and a cookie",
      "StickyPool applied, and a SIMULATED node that runs the Deployments on 127.0.0.1 (real",
      "HTTP backends, the real proxies in this JVM). Simulated users browse while Deployment web",
      "scales 4 -> 2; the pool's Events stream live and a summary counts failed requests and",
      "moved sessions. Exits 0 only if nothing failed."
    },
    footer = {
      "",
      "Examples:",
      "  stickypool demo --short             (fewer users, a 4s drain)",
      "  stickypool demo --keep              (then kubectl against the embedded API until Ctrl-C)",
      "  stickypool demo --control-plane     (a real kube-apiserver and a KWOK node: make control-plane)",
      "  stickypool demo --proxy-only        (one proxy, four backends, no Kubernetes)"
    })
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--short",
      description = "A quick run: fewer users and a 4s drain.")
  boolean shortRun;

  @Option(names = "--users", paramLabel = "N",
      description = "Simulated users (default: 200, 40 with --short).")
  Integer users;

  @Option(names = "--keep",
      description = "Leave the API, operator, proxies and backends running for kubectl until Ctrl-C.")
  boolean keep;

  @Option(names = "--verbose",
      description = "Show the operator's and proxies' INFO logs between the story's lines.")
  boolean verbose;

  @Option(names = "--control-plane",
      description = "Run the same story on a real control plane (kube-apiserver, etcd, controllers,"
          + " scheduler, a KWOK node) instead of the embedded API, where kubectl get events -w"
          + " works; needs `make control-plane`.")
  boolean controlPlane;

  @Option(names = "--control-plane-bin", paramLabel = "DIR",
      description = "With --control-plane: where the binaries are (default:"
          + " $STICKYPOOL_CONTROL_PLANE_BIN, else what scripts/build-control-plane.sh --print-dir"
          + " says).")
  Path controlPlaneBin;

  @Option(names = "--proxy-only",
      description = "Run the proxy-only demo instead (4 backends, one proxy, no Kubernetes).")
  boolean proxyOnly;

  @Option(names = "--drain-seconds", paramLabel = "SECONDS", defaultValue = "3",
      description = "With --proxy-only: how long the backend drains (default: ${DEFAULT-VALUE}).")
  int drainSeconds;

  @Option(names = "--simulation",
      description = "Run the placement-only simulation instead (no network).")
  boolean simulation;

  @Option(names = "--sessions", paramLabel = "N", defaultValue = "10000",
      description = "With --simulation: sessions placed (default: ${DEFAULT-VALUE}).")
  int sessions;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
      description = "With --simulation: random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (simulation) {
      int moved = new PlacementSimulation(System.out, sessions, seed).run();
      return moved == 0 ? 0 : 1;
    }
    if (proxyOnly) {
      DemoSummary s = new ProxyDemo(System.out, users == null ? 200 : users,
          java.time.Duration.ofSeconds(drainSeconds)).run();
      return s.failed() == 0 && s.wrongMoves() == 0 ? 0 : 1;
    }
    if (!verbose) {
      quietLogs();
    }
    ClusterDemoOptions options = shortRun
        ? ClusterDemoOptions.shortRun(users == null ? 40 : users, keep)
        : ClusterDemoOptions.full(users == null ? 200 : users, keep);
    ClusterDemo demo = new ClusterDemo(System.out, options);
    ClusterDemoSummary s = controlPlane ? demo.runOnControlPlane(binaries()) : demo.run();
    return s.ok() ? 0 : 1;
  }

  private ControlPlaneBinaries binaries() {
    return controlPlaneBin == null ? ControlPlaneBinaries.locate() : ControlPlaneBinaries.in(controlPlaneBin);
  }

  /** Held so the JDK keeps the level: java.util.logging forgets levels of collected loggers. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  /**
   * The story's own lines are the demo's output, so the libraries' INFO logs are hidden (--verbose
   * shows them). slf4j-simple reads a logger's level from system properties when the logger is
   * made, and the operator's and proxies' loggers are made after this point; the embedded API's
   * mock server logs every request through java.util.logging.
   */
  private static void quietLogs() {
    for (String name : new String[] {"io.stickypool", "io.javaoperatorsdk", "io.fabric8", "io.netty",
        "Default ConfigurationService implementation"}) {
      System.setProperty("org.slf4j.simpleLogger.log." + name, "warn");
    }
    System.setProperty("org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", "error");
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
  }
}
