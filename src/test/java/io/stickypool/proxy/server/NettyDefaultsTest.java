package io.stickypool.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Each case runs in a child JVM: the detector's level is global, this JVM's tests need PARANOID,
 * and Netty reads the JFR switch once per JVM.
 */
class NettyDefaultsTest {

  @Test
  void theProxyServesWithTheDetectorAndTheAllocatorEventsOffByDefault() throws Exception {
    assertThat(inChild()).isEqualTo("DISABLED allocatorEvents=false");
  }

  @Test
  void whatIsGivenToTheJvmWins() throws Exception {
    assertThat(inChild("-Dio.netty.leakDetection.level=advanced")).startsWith("ADVANCED ");
    assertThat(inChild("-Dio.netty.leakDetectionLevel=paranoid")).startsWith("PARANOID ");
    assertThat(inChild("-Dio.netty.jfr.enabled=true")).isEqualTo("DISABLED allocatorEvents=true");
  }

  @Test
  void withTheEventsOffTheirClassesNeverLoad() throws Exception {
    assertThat(inChild("-Xlog:class+load=info")).doesNotContain("io.netty.buffer.AllocateChunkEvent ").contains("DISABLED allocatorEvents=false");
    assertThat(inChild("-Xlog:class+load=info", "-Dio.netty.jfr.enabled=true")).as("the same child with the events on")
        .contains("io.netty.buffer.AllocateChunkEvent ");
  }

  @Test
  void inThisJvmTheTestSuitesLevelStays() {
    assertThat(NettyDefaults.applyUnlessConfigured().leakDetection().name()).isEqualTo("PARANOID");
  }

  /** Runs {@link PrintInForce} in a fresh JVM with {@code flags} and returns what it printed. */
  private static String inChild(String... flags) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-cp", System.getProperty("java.class.path")));
    command.addAll(List.of(flags));
    command.add(PrintInForce.class.getName());
    // A file, not a pipe: the class-loading log is larger than a pipe's buffer.
    Path output = Files.createTempFile("netty-defaults", ".out");
    try {
      Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
      String out = Files.readString(output, StandardCharsets.UTF_8).strip();
      assertThat(child.exitValue()).as(out).isZero();
      return out;
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** The child: applies the defaults, has the pooled allocator hand out a buffer, prints what is in force. */
  public static final class PrintInForce {
    public static void main(String[] args) {
      NettyDefaults.InForce inForce = NettyDefaults.applyUnlessConfigured();
      io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(64).release();
      System.out.println(inForce);
    }
  }
}
