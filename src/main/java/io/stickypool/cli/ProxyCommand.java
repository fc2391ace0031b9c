package io.stickypool.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Runs the Netty affinity proxy. */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Run the sticky-session affinity proxy (standalone or in a pod).")
public final class ProxyCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("stickypool proxy: the data plane is not part of this build yet.");
    return 2;
  }
}
