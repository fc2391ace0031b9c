package io.stickypool.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Runs the no-cluster demo. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Run the StickyPool demo on this machine, no cluster needed.")
public final class DemoCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("stickypool demo: not part of this build yet.");
    return 2;
  }
}
