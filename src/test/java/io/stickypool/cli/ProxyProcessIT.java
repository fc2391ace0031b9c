package io.stickypool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stickypool.testing.TestBackend;
import io.stickypool.testing.WireClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stickypool proxy} in a JVM of its own, as a user runs it: what it prints on stderr when
 * an address it must listen on is taken, what it reports when SIGTERM stops it, and which of
 * Netty's defaults it serves with.
 */
class ProxyProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern SERVING = Pattern.compile("serving on /127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path dir;

  @Test
  void refusesAListenAddressInUseWithOneLineNamingIt() throws Exception {
    try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Run run = run("--backend", "a=127.0.0.1:9", "--listen", "127.0.0.1:" + held.getLocalPort(),
          "--admin", "127.0.0.1:0");

      assertThat(run.exitCode).isEqualTo(1);
      assertThat(run.errLines()).last().isEqualTo("stickypool proxy: cannot listen for traffic on 127.0.0.1:"
          + held.getLocalPort() + ": the address is already in use; stop the process that holds it or choose"
          + " another port (--listen, or proxy.listen in a config file)");
      assertThat(run.errLines()).noneMatch(line -> line.contains("Exception") || line.startsWith("\tat "));
    }
  }

  @Test
  void refusesAnAdminAddressInUseWithOneLineNamingIt() throws Exception {
    try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Run run = run("--backend", "a=127.0.0.1:9", "--listen", "127.0.0.1:0",
          "--admin", "127.0.0.1:" + held.getLocalPort());

      assertThat(run.exitCode).isEqualTo(1);
      assertThat(run.errLines()).last().isEqualTo("stickypool proxy: cannot listen for the admin port on"
          + " 127.0.0.1:" + held.getLocalPort() + ": the address is already in use; stop the process that"
          + " holds it or choose another port (--admin, or proxy.admin in a config file)");
      assertThat(run.errLines()).noneMatch(line -> line.contains("Exception") || line.startsWith("\tat "));
    }
  }

  @Test
  void reportsWhatSigtermDidAndHowLongItTook() throws Exception {
    try (TestBackend backend = TestBackend.start("a")) {
      Process proxy = start("--backend", "a=127.0.0.1:" + backend.port(), "--listen", "127.0.0.1:0",
          "--admin", "127.0.0.1:0", "--drain-grace", "20s");
      try {
        try (WireClient idle = new WireClient(awaitServingPort(), Duration.ofSeconds(10))) {
          assertThat(idle.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n").response().status()).isEqualTo(200);

          proxy.destroy();

          assertThat(proxy.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
          assertThat(idle.closedByServer()).as("idle connection closed").isTrue();
        }
        String report = out().lines().filter(l -> l.startsWith("stickypool proxy: stopped: ")).findFirst().orElseThrow();
        // Idle, or still finishing its exchange's bookkeeping when a SIGTERM follows its response at once.
        Matcher took = Pattern.compile("^stickypool proxy: stopped: 1 connection open: (1 idle closed, 0 finished"
            + "|0 idle closed, 1 finished), 0 forced; took (\\d+)ms$").matcher(report);
        assertThat(took.matches()).as("%s%nstderr:%n%s", report, Files.readString(dir.resolve("err.txt"))).isTrue();
        assertThat(Long.parseLong(took.group(2))).as("not the 20s grace").isLessThan(5_000);
      } finally {
        proxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void servesWithoutNettysAllocatorEventsUnlessTheJvmIsToldOtherwise() throws Exception {
    assertThat(classesLoadedServingOneRequest())
        .contains("io.netty.buffer.AdaptiveByteBufAllocator ")
        .doesNotContain("io.netty.buffer.AllocateChunkEvent ");
    assertThat(classesLoadedServingOneRequest("-Dio.netty.jfr.enabled=true"))
        .as("the same run with the events asked for")
        .contains("io.netty.buffer.AllocateChunkEvent ");
  }

  /** Starts the proxy with {@code jvmFlags}, sends one request through it, stops it: the class-loading log. */
  private String classesLoadedServingOneRequest(String... jvmFlags) throws Exception {
    Path classes = dir.resolve("classes-" + jvmFlags.length + ".txt");
    List<String> jvm = new ArrayList<>(List.of("-Xlog:class+load=info:file=" + classes));
    jvm.addAll(List.of(jvmFlags));
    try (TestBackend backend = TestBackend.start("a")) {
      Process proxy = start(jvm, "--backend", "a=127.0.0.1:" + backend.port(), "--listen", "127.0.0.1:0",
          "--admin", "127.0.0.1:0");
      try {
        try (WireClient client = new WireClient(awaitServingPort(), Duration.ofSeconds(10))) {
          assertThat(client.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n").response().status()).isEqualTo(200);
        }
        proxy.destroy();
        assertThat(proxy.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
        return Files.readString(classes);
      } finally {
        proxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private record Run(int exitCode, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  private Run run(String... args) throws Exception {
    Process process = start(args);
    try {
      assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("exited").isTrue();
      return new Run(process.exitValue(), Files.readString(dir.resolve("err.txt")));
    } finally {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Process start(String... args) throws IOException {
    return start(List.of(), args);
  }

  private Process start(List<String> jvmFlags, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m"));
    command.addAll(jvmFlags);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), StickyPoolMain.class.getName(), "proxy"));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile())
        .start();
  }

  /** Waits for the proxy's "serving on" line and returns the traffic port it names. */
  private int awaitServingPort() throws IOException {
    await().atMost(WAIT).until(() -> SERVING.matcher(out()).find());
    Matcher serving = SERVING.matcher(out());
    assertThat(serving.find()).isTrue();
    return Integer.parseInt(serving.group(1));
  }

  private String out() throws IOException {
    return Files.readString(dir.resolve("out.txt"));
  }
}
