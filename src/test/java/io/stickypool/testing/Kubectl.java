package io.stickypool.testing;

import io.stickypool.sandbox.controlplane.ControlPlaneBinaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real kubectl against one kubeconfig, echoing each command the way a user types it: the
 * kubectl built with the test control plane, so these tests never depend on (or skip for) one on
 * PATH.
 */
public final class Kubectl {
  private static final long TIMEOUT_SECONDS = 60;

  public record Result(int exit, String output) {}

  private final Path binary;
  private final Path kubeconfig;
  private final Path scratch;

  public Kubectl(Path binary, Path kubeconfig, Path scratch) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
    this.scratch = scratch;
  }

  /**
   * The kubectl that {@code scripts/build-control-plane.sh} built: in {@code
   * STICKYPOOL_CONTROL_PLANE_BIN}, or the directory the script prints. Fails (never skips) when
   * it is not built, saying how to build it.
   */
  public static Path built() {
    return ControlPlaneBinaries.locate().tool("kubectl");
  }

  /** Runs kubectl and returns its exit code and merged stdout/stderr; kills it after 60 s. */
  public Result run(String... args) throws IOException, InterruptedException {
    List<String> cmd = command(args);
    System.out.println("$ " + String.join(" ", cmd));
    Path out = Files.createTempFile(scratch, "kubectl", ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new AssertionError("kubectl timed out after " + TIMEOUT_SECONDS + " s: " + cmd
          + "\n" + Files.readString(out));
    }
    return new Result(p.exitValue(), Files.readString(out));
  }

  /** Runs kubectl and fails unless it exits 0; returns its output. */
  public String ok(String... args) throws IOException, InterruptedException {
    Result r = run(args);
    if (r.exit() != 0) {
      throw new AssertionError("kubectl " + String.join(" ", args) + " exited " + r.exit()
          + ":\n" + r.output());
    }
    return r.output();
  }

  /**
   * Starts kubectl in the background (a watch), its merged output going to a file; bound it with
   * {@code --request-timeout} and close it when done.
   */
  public Background start(String... args) throws IOException {
    List<String> cmd = command(args);
    System.out.println("$ " + String.join(" ", cmd) + " &");
    Path out = Files.createTempFile(scratch, "kubectl-bg", ".out");
    return new Background(new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start(), out);
  }

  private List<String> command(String... args) {
    List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** A kubectl left running; {@link #close} stops it (SIGTERM, then SIGKILL after 5 s). */
  public static final class Background implements AutoCloseable {
    private final Process process;
    private final Path out;

    private Background(Process process, Path out) {
      this.process = process;
      this.out = out;
    }

    /** What it printed so far. */
    public String output() throws IOException {
      return Files.readString(out);
    }

    public boolean isAlive() {
      return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
