package io.stickypool.cli;

import io.stickypool.demo.DemoSummary;
import io.stickypool.demo.PlacementSimulation;
import io.stickypool.demo.ProxyDemo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the no-cluster demo. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Run the StickyPool demo on this machine, no cluster needed.",
      "Today: four real HTTP backends and the real proxy on loopback, simulated users with sticky",
      "sessions, and a backend that drains and leaves. The operator and an embedded Kubernetes API",
      "join with later releases. --simulation runs the placement-only simulation instead."
    })
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--users", defaultValue = "200", description = "Simulated users (default ${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--drain-seconds", defaultValue = "3", description = "How long the backend drains (default ${DEFAULT-VALUE}).")
  int drainSeconds;

  @Option(names = "--simulation", description = "Run the placement-only simulation (no network).")
  boolean simulation;

  @Option(names = "--sessions", defaultValue = "10000", description = "Sessions the simulation places (default ${DEFAULT-VALUE}).")
  int sessions;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (simulation) {
      int moved = new PlacementSimulation(System.out, sessions, seed).run();
      return moved == 0 ? 0 : 1;
    }
    DemoSummary s = new ProxyDemo(System.out, users, java.time.Duration.ofSeconds(drainSeconds)).run();
    return s.failed() == 0 && s.wrongMoves() == 0 ? 0 : 1;
  }
}
