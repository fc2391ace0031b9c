package io.stickypool.sandbox;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real kubectl against one kubeconfig, echoing each command the way a user types it. */
final class Kubectl {
  private static final long TIMEOUT_SECONDS = 30;

  record Result(int exit, String output) {}

  private final Path kubeconfig;
  private final Path scratch;

  Kubectl(Path kubeconfig, Path scratch) {
    this.kubeconfig = kubeconfig;
    this.scratch = scratch;
  }

  static boolean onPath() {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "kubectl"))) {
        return true;
      }
    }
    return false;
  }

  /** Runs kubectl and returns its exit code and merged stdout/stderr; kills it after 30 s. */
  Result run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
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
  String ok(String... args) throws IOException, InterruptedException {
    Result r = run(args);
    if (r.exit() != 0) {
      throw new AssertionError("kubectl " + String.join(" ", args) + " exited " + r.exit()
          + ":\n" + r.output());
    }
    return r.output();
  }
}
