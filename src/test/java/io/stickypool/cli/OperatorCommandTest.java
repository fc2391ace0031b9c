package io.stickypool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stickypool.operator.lease.LeaderElectionSettings;
import io.stickypool.operator.OperatorSettings;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Flags and environment to OperatorSettings; nothing here talks to a cluster. */
class OperatorCommandTest {
  private static final Path NO_FILE = Path.of("/nonexistent/namespace");

  private static OperatorSettings settingsOf(Map<String, String> env, Path saFile, String... args) {
    OperatorCommand command = new OperatorCommand();
    new CommandLine(command).parseArgs(args);
    return command.settings(env, saFile);
  }

  @Test
  void defaultsWatchAllNamespacesWithoutLeaderElectionAndServeAdminOn8081() {
    OperatorSettings s = settingsOf(Map.of(), NO_FILE);
    assertThat(s.defaultImage()).isEqualTo("ghcr.io/stickypool/stickypool:0.1.0");
    assertThat(s.namespaces()).isEmpty();
    assertThat(s.leaderElection()).isEmpty();
    assertThat(s.admin()).hasValue(new InetSocketAddress("0.0.0.0", 8081));
  }

  @Test
  void sessionRefreshesDefaultTo10sAnd2sAndTakeDurations() {
    OperatorSettings defaults = settingsOf(Map.of(), NO_FILE);
    assertThat(defaults.sessionRefresh()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(defaults.drainRefresh()).isEqualTo(java.time.Duration.ofSeconds(2));
    OperatorSettings set = settingsOf(Map.of(), NO_FILE, "--session-refresh=1m", "--drain-refresh=500ms");
    assertThat(set.sessionRefresh()).isEqualTo(java.time.Duration.ofMinutes(1));
    assertThat(set.drainRefresh()).isEqualTo(java.time.Duration.ofMillis(500));
    assertThatThrownBy(() -> settingsOf(Map.of(), NO_FILE, "--drain-refresh=0s"))
        .isInstanceOf(ParameterException.class).hasMessageContaining("--drain-refresh");
    assertThatThrownBy(() -> settingsOf(Map.of(), NO_FILE, "--session-refresh=soon"))
        .isInstanceOf(ParameterException.class).hasMessageContaining("--session-refresh");
  }

  @Test
  void namespacesRepeatOrCommaSeparateAndBeatTheEnvironment() {
    assertThat(settingsOf(Map.of("WATCH_NAMESPACES", "x"), NO_FILE,
        "--namespace", "a,b", "--namespace=c").namespaces()).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(settingsOf(Map.of("WATCH_NAMESPACES", " team-a, ,team-b "), NO_FILE).namespaces())
        .containsExactlyInAnyOrder("team-a", "team-b");
  }

  @Test
  void leaderElectionTakesLeaseNamespaceFromFlagThenEnvThenServiceAccountFile(@TempDir Path dir)
      throws Exception {
    Path sa = Files.writeString(dir.resolve("namespace"), "from-file\n");
    Map<String, String> env = Map.of("POD_NAMESPACE", "from-env", "POD_NAME", "op-7d9f");

    LeaderElectionSettings flag = settingsOf(env, sa, "--leader-election", "--lease-namespace=ops",
        "--lease-name=custom").leaderElection().orElseThrow();
    assertThat(flag.leaseNamespace()).isEqualTo("ops");
    assertThat(flag.leaseName()).isEqualTo("custom");
    assertThat(flag.identity()).matches("op-7d9f-[0-9a-f]{8}");
    assertThat(flag.exitOnLostLeadership()).isTrue();

    LeaderElectionSettings fromEnv = settingsOf(env, sa, "--leader-election").leaderElection().orElseThrow();
    assertThat(fromEnv.leaseNamespace()).isEqualTo("from-env");
    assertThat(fromEnv.leaseName()).isEqualTo("stickypool-operator");

    assertThat(settingsOf(Map.of("HOSTNAME", "host"), sa, "--leader-election").leaderElection().orElseThrow())
        .satisfies(l -> {
          assertThat(l.leaseNamespace()).isEqualTo("from-file");
          assertThat(l.identity()).startsWith("host-");
        });
  }

  @Test
  void leaderElectionWithoutAnyNamespaceFailsClearly() {
    assertThatThrownBy(() -> settingsOf(Map.of(), NO_FILE, "--leader-election"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--lease-namespace")
        .hasMessageContaining("POD_NAMESPACE");
  }

  @Test
  void adminAddressAndPortAreFlags() {
    assertThat(settingsOf(Map.of(), NO_FILE, "--admin-address=127.0.0.1", "--admin-port=0").admin())
        .hasValue(new InetSocketAddress("127.0.0.1", 0));
    assertThatThrownBy(() -> settingsOf(Map.of(), NO_FILE, "--admin-port=70000"))
        .isInstanceOf(ParameterException.class).hasMessageContaining("--admin-port");
  }

  @Test
  void sidecarStyleIsAutoUnlessForced() {
    assertThat(settingsOf(Map.of(), NO_FILE).nativeSidecars()).as("auto: ask the API server").isNull();
    assertThat(settingsOf(Map.of(), NO_FILE, "--sidecar-style=native").nativeSidecars()).isTrue();
    assertThat(settingsOf(Map.of(), NO_FILE, "--sidecar-style=container").nativeSidecars()).isFalse();
    assertThatThrownBy(() -> settingsOf(Map.of(), NO_FILE, "--sidecar-style=sometimes"))
        .isInstanceOf(ParameterException.class).hasMessageContaining("auto, native or container");
  }

  @Test
  void helpListsEveryFlagWithItsDefault() {
    String help = new CommandLine(new OperatorCommand()).getUsageMessage().replaceAll("\\s+", " ");
    assertThat(help).contains("--namespace", "--leader-election", "--lease-name", "--lease-namespace",
        "--admin-address", "--admin-port", "default: stickypool-operator", "default: 8081", "default: 0.0.0.0",
        "default: off");
  }
}
