package io.stickypool.sandbox.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the control-plane binaries built by {@code scripts/build-control-plane.sh} are: the
 * directory {@code STICKYPOOL_CONTROL_PLANE_BIN} names, or the one the script reports. Never builds
 * (that takes minutes and belongs to {@code make control-plane}); says what to run when they are
 * missing.
 */
public record ControlPlaneBinaries(Path bin, Path stages) {
  private static final List<String> NEEDED =
      List.of("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl", "kwok");

  public static ControlPlaneBinaries locate() {
    String fromEnv = System.getenv("STICKYPOOL_CONTROL_PLANE_BIN");
    return in(fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : askScript());
  }

  /** The binaries in {@code bin}; KWOK's stage files beside it, in {@code ../stages}. */
  public static ControlPlaneBinaries in(Path bin) {
    bin = bin.toAbsolutePath();
    for (String name : NEEDED) {
      if (!Files.isExecutable(bin.resolve(name))) {
        throw new IllegalStateException(bin.resolve(name) + " is missing: run `make control-plane` "
            + "(builds the Kubernetes control plane from the Go module proxy; needs Go >= 1.26)");
      }
    }
    return new ControlPlaneBinaries(bin, bin.getParent().resolve("stages"));
  }

  public Path tool(String name) {
    return bin.resolve(name);
  }

  private static Path askScript() {
    Path script = Path.of("scripts/build-control-plane.sh").toAbsolutePath();
    try {
      Process p = new ProcessBuilder("bash", script.toString(), "--print-dir")
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor() != 0 || out.isEmpty()) {
        throw new IllegalStateException("the Kubernetes control plane is not built: run `make control-plane` "
            + "(builds it from the Go module proxy into ~/.cache/stickypool; needs Go >= 1.26)");
      }
      String[] lines = out.split("\n");
      return Path.of(lines[lines.length - 1].trim());
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while locating the control plane", e);
    }
  }
}
