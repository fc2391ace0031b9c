package io.stickypool.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point of {@code stickypool.jar}: dispatches to a subcommand. */
@Command(
    name = "stickypool",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Sticky sessions for any Kubernetes Service: operator, affinity proxy and demo.",
    subcommands = {ProxyCommand.class, OperatorCommand.class, DemoCommand.class})
public final class StickyPoolMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (separate from main so tests can call it). */
  public static int run(String... args) {
    CommandLine cmd = new CommandLine(new StickyPoolMain());
    cmd.setParameterExceptionHandler(
        (ex, ignored) -> {
          CommandLine bad = ex.getCommandLine();
          bad.getErr().println("error: " + ex.getMessage());
          bad.getErr().println("Try '" + bad.getCommandSpec().qualifiedName() + " --help' for the options.");
          return 2;
        });
    return cmd.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: proxy, operator or demo");
  }
}
