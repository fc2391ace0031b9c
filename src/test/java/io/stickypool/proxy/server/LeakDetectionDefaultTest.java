package io.stickypool.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Each case runs in a child JVM: the detector's level is global, and this JVM's tests need PARANOID. */
class LeakDetectionDefaultTest {

  @Test
  void theProxyServesWithTheDetectorOffByDefault() throws Exception {
    assertThat(levelInChild()).isEqualTo("DISABLED");
  }

  @Test
  void aLevelGivenToTheJvmWins() throws Exception {
    assertThat(levelInChild("-Dio.netty.leakDetection.level=advanced")).isEqualTo("ADVANCED");
    assertThat(levelInChild("-Dio.netty.leakDetectionLevel=paranoid")).isEqualTo("PARANOID");
  }

  @Test
  void inThisJvmTheTestSuitesLevelStays() {
    assertThat(LeakDetectionDefault.applyUnlessConfigured().name()).isEqualTo("PARANOID");
  }

  /** Runs {@link PrintLevel} in a fresh JVM with {@code flags} and returns what it printed. */
  private static String levelInChild(String... flags) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-cp", System.getProperty("java.class.path")));
    command.addAll(List.of(flags));
    command.add(PrintLevel.class.getName());
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(child.exitValue()).as(out).isZero();
    return out.lines().reduce((a, b) -> b).orElse("");
  }

  /** The child: applies the default and prints the level in force. */
  public static final class PrintLevel {
    public static void main(String[] args) {
      System.out.println(LeakDetectionDefault.applyUnlessConfigured());
    }
  }
}
