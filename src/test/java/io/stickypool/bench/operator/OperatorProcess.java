package io.stickypool.bench.operator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar stickypool.jar operator} in a JVM of its own, as a user runs it, so that its
 * CPU time and heap are its own and not the harness's. JVM flags as the image's entrypoint sets
 * them, sized as in a container with the chart's 512 MiB memory limit: MaxRAM=512m makes the JVM
 * size its heap from that instead of the host's memory (max 384 MiB at 75%, initial 1/64).
 * -XX:-UsePerfData is left out so that jcmd and jstat can find the process.
 */
final class OperatorProcess implements AutoCloseable {
  static final List<String> JVM_FLAGS =
      List.of("-XX:MaxRAM=512m", "-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp");
  private static final Pattern USED = Pattern.compile("(?:generation|heap)\\s+total (\\d+)K, used (\\d+)K");

  private final Process process;
  private final Instant started;
  private final long startedNanos;
  private final Path log;
  private final long clockTicks;

  private OperatorProcess(Process process, Instant started, long startedNanos, Path log, long clockTicks) {
    this.process = process;
    this.started = started;
    this.startedNanos = startedNanos;
    this.log = log;
    this.clockTicks = clockTicks;
  }

  /** Starts it against {@code kubeconfig}, watching every namespace (the chart's default). */
  static OperatorProcess start(Path jar, Path kubeconfig, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(JVM_FLAGS);
    command.addAll(List.of("-jar", jar.toString(), "operator", "--admin-address=127.0.0.1", "--admin-port=0"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    pb.environment().remove("KUBERNETES_MASTER");
    long ticks = clockTicks();
    Instant at = Instant.now();
    long nanos = System.nanoTime();
    return new OperatorProcess(pb.start(), at, nanos, log, ticks);
  }

  Instant started() {
    return started;
  }

  long startedNanos() {
    return startedNanos;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** User plus system CPU seconds the process has used so far (/proc/PID/stat utime + stime). */
  double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
    // Fields after the command name, which is in parentheses and may hold spaces.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) clockTicks;
  }

  /** Resident set size in KiB. */
  long rssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** Forces a full GC (jcmd GC.run), then reads the heap (GC.heap_info): {used, committed} KiB. */
  long[] heapAfterGcKib() throws IOException, InterruptedException {
    run("jcmd", Long.toString(pid()), "GC.run");
    String info = run("jcmd", Long.toString(pid()), "GC.heap_info");
    long used = 0;
    long total = 0;
    Matcher m = USED.matcher(info);
    while (m.find()) {
      total += Long.parseLong(m.group(1));
      used += Long.parseLong(m.group(2));
    }
    if (total == 0) {
      throw new IOException("no heap figures in jcmd GC.heap_info:\n" + info);
    }
    return new long[] {used, total};
  }

  /** The log lines at WARN or ERROR, for the report. */
  List<String> warnings() throws IOException {
    return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
        .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.startsWith("Exception")).toList();
  }

  /** SIGTERM, as the kubelet does; SIGKILL if it has not exited within 20 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static long clockTicks() throws IOException {
    try {
      return Long.parseLong(run("getconf", "CLK_TCK").trim());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }
}
