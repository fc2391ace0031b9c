package io.stickypool.cli;

import io.stickypool.demo.PlacementSimulation;
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
      "Today this is the affinity core's placement simulation (no network, no operator);",
      "the full demo with real proxies, backends and an embedded API server comes later."
    })
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--sessions", defaultValue = "10000", description = "Sessions to place (default ${DEFAULT-VALUE}).")
  int sessions;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    int moved = new PlacementSimulation(System.out, sessions, seed).run();
    return moved == 0 ? 0 : 1;
  }
}
