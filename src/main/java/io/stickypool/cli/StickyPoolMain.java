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
    return commandLine().execute(args);
  }

  /**
   * The configured command line: usage errors print one line, such as {@code stickypool proxy:
   * --backend 'foo': expected ID=HOST:PORT (see stickypool proxy --help)}, and exit with 2.
   */
  public static CommandLine commandLine() {
    return new CommandLine(new StickyPoolMain())
        .setParameterExceptionHandler(StickyPoolMain::usageError);
  }

  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    String name = command.getCommandSpec().qualifiedName();
    command.getErr().println(name + ": " + e.getMessage() + " (see " + name + " --help)");
    command.getErr().flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: proxy, operator or demo");
  }
}
