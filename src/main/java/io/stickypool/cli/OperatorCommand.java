package io.stickypool.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Runs the Kubernetes operator. */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Run the StickyPool operator against the current kubeconfig or in-cluster config.")
public final class OperatorCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("stickypool operator: the control plane is not part of this build yet.");
    return 2;
  }
}
