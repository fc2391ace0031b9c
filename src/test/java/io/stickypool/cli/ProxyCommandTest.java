package io.stickypool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.AffinityType;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.proxy.http.ProxySettings;
import io.stickypool.proxy.server.TransportChoice;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Flags to config and flag errors; nothing here starts a proxy. */
class ProxyCommandTest {
  private static final String A = "--backend=a=127.0.0.1:18081";

  /** The config the flags describe, through picocli's parser and the command's own checks. */
  private static ProxyConfig configOf(String... args) throws Exception {
    ProxyCommand command = new ProxyCommand();
    new CommandLine(command).parseArgs(args);
    return command.config();
  }

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void buildsACookieConfigWithDefaultsFromBackendsAlone() throws Exception {
    ProxyConfig config = configOf(A, "--backend", "b=backend.local:80@3");

    assertThat(config.listen()).isEqualTo(new InetSocketAddress("0.0.0.0", 8080));
    assertThat(config.admin()).isEqualTo(new InetSocketAddress("127.0.0.1", 9901));
    assertThat(config.limits()).isEqualTo(ProxySettings.defaults());
    assertThat(config.health()).isEqualTo(HealthSettings.defaults());
    assertThat(config.workerThreads()).isZero();
    assertThat(config.keyFile()).isNull();
    assertThat(config.routes().affinity())
        .isEqualTo(AffinitySettings.cookie(CookieSettings.defaults()));
    assertThat(config.routes().backends()).containsExactly(
        Backend.active(BackendId.of("a"), "127.0.0.1", 18081),
        new Backend(BackendId.of("b"), "backend.local", 80, 3, BackendState.ACTIVE, null));
  }

  @Test
  void readsListenerAndFileFlags() throws Exception {
    ProxyConfig config = configOf(A, "--listen", "127.0.0.1:0", "--admin", "[::1]:9902",
        "--workers", "2", "--key-file", "keys.txt", "--admin-token-file", "token");

    assertThat(config.listen()).isEqualTo(new InetSocketAddress("127.0.0.1", 0));
    assertThat(config.admin()).isEqualTo(new InetSocketAddress("::1", 9902));
    assertThat(config.workerThreads()).isEqualTo(2);
    assertThat(config.keyFile()).isEqualTo(Path.of("keys.txt"));
    assertThat(config.adminTokenFile()).isEqualTo(Path.of("token"));
  }

  static Stream<Arguments> affinityForms() {
    return Stream.of(
        Arguments.of(List.of("--affinity", "cookie", "--cookie-name", "sp"),
            AffinitySettings.cookie(CookieSettings.named("sp"))),
        Arguments.of(List.of("--affinity", "header:X-Session-Id"),
            AffinitySettings.header("X-Session-Id")),
        Arguments.of(List.of("--affinity", "client-ip", "--trusted-proxy", "10.0.0.0/8",
                "--trusted-proxy", "fd00::/8"),
            AffinitySettings.clientIp(List.of("10.0.0.0/8", "fd00::/8"))),
        Arguments.of(List.of("--affinity", "client-ip"), AffinitySettings.clientIp(List.of())),
        Arguments.of(List.of("--affinity", "app-cookie:JSESSIONID"),
            AffinitySettings.appCookie("JSESSIONID")));
  }

  @ParameterizedTest
  @MethodSource("affinityForms")
  void buildsEachAffinityForm(List<String> flags, AffinitySettings expected) throws Exception {
    String[] args = Stream.concat(Stream.of(A), flags.stream()).toArray(String[]::new);

    assertThat(configOf(args).routes().affinity()).isEqualTo(expected);
  }

  static Stream<Arguments> badFlags() {
    return Stream.of(
        Arguments.of(List.of("--backend", "foo"), "--backend 'foo': expected ID=HOST:PORT"),
        Arguments.of(List.of("--backend", "a=10.0.0.1"),
            "--backend 'a=10.0.0.1': expected ID=HOST:PORT"),
        Arguments.of(List.of("--backend", "a=h:0"),
            "--backend 'a=h:0': backend a: port 0 is not 1..65535"),
        Arguments.of(List.of("--backend", "a=h:80@0"),
            "--backend 'a=h:80@0': weight '0' is not a number 1..1000"),
        Arguments.of(List.of(A, "--backend", "a=h:81"),
            "--backend 'a=h:81': id 'a' is given twice"),
        Arguments.of(List.of(A, "--affinity", "sticky"),
            "--affinity 'sticky': expected cookie, header:NAME, client-ip or app-cookie:NAME"),
        Arguments.of(List.of(A, "--affinity", "header:"),
            "--affinity 'header:': HEADER affinity needs a valid header name, got ''"),
        Arguments.of(List.of(A, "--cookie-name", "a b"),
            "--cookie-name 'a b': cookie name 'a b' is not an RFC 6265 token"),
        Arguments.of(List.of(A, "--affinity", "header:X-S", "--cookie-name", "sp"),
            "--cookie-name only applies to --affinity cookie"),
        Arguments.of(List.of(A, "--trusted-proxy", "10.0.0.0/8"),
            "--trusted-proxy only applies to --affinity client-ip"),
        Arguments.of(List.of(A, "--affinity", "client-ip", "--trusted-proxy", "10.0.0.1"),
            "--trusted-proxy '10.0.0.1': expected a CIDR block such as 10.0.0.0/8 or fd00::/8"),
        Arguments.of(List.of(A, "--listen", "8080"),
            "--listen '8080': expected HOST:PORT, such as 127.0.0.1:8080 or [::1]:8080"),
        Arguments.of(List.of(A, "--workers", "-1"),
            "--workers -1: expected 0 (one per core) or more"),
        Arguments.of(List.of(), "give --config FILE, --config-map NAME, or at least one --backend ID=HOST:PORT"),
        Arguments.of(List.of("--config", "proxy.yaml", A, "--workers", "2"),
            "--config cannot be combined with --backend, --workers: put those settings in the"
                + " config file"));
  }

  @ParameterizedTest
  @MethodSource("badFlags")
  void refusesBadFlagsWithAOneLineMessage(List<String> flags, String message) {
    assertThatThrownBy(() -> configOf(flags.toArray(String[]::new)))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage(message);
  }

  @Test
  void exitsWith2AndOneLineForABadBackend() {
    CliRun run = run("proxy", "--backend", "foo");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("stickypool proxy: --backend 'foo': expected ID=HOST:PORT"
        + " (see stickypool proxy --help)" + System.lineSeparator());
  }

  @Test
  void exitsWith2ForConfigWithRoutingFlags() {
    CliRun run = run("proxy", "--config", "samples/proxy-local.yaml", "--backend", "a=h:1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--config cannot be combined with --backend").hasLineCount(1);
  }

  @Test
  void exitsWith2ForPicocliErrorsAndBadDrainGrace() {
    assertThat(run("proxy", "--workers", "many").exitCode()).isEqualTo(2);
    assertThat(run("proxy", "--bogus").err()).hasLineCount(1).contains("--bogus");

    CliRun grace = run("proxy", A, "--drain-grace", "30");
    assertThat(grace.exitCode()).isEqualTo(2);
    assertThat(grace.err()).startsWith("stickypool proxy: --drain-grace '30' is not a duration");
  }

  @Test
  void exitsWith1NamingFileAndFieldForAnInvalidConfig(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("proxy.yaml");
    Files.writeString(file, "backends: []\nproxy:\n  limits: {headerTimeout: 10x}\n");

    CliRun run = run("proxy", "--config", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("stickypool proxy: " + file
        + ": proxy.limits.headerTimeout: '10x' is not a duration").contains("(line 3, column 27)");
  }

  @Test
  void loadsTheConfigFileWhenGiven() throws Exception {
    ProxyConfig config = configOf("--config", "samples/proxy-local.yaml", "--drain-grace", "5s");

    assertThat(config.routes().backends()).hasSize(3);
    assertThat(config.routes().affinity().type()).isEqualTo(AffinityType.COOKIE);
  }

  @Test
  void transportFlagOverridesTheConfigFileAndDefaultsToAuto() throws Exception {
    assertThat(configOf(A).transport()).isEqualTo(TransportChoice.AUTO);
    assertThat(configOf(A, "--transport", "IO_URING").transport()).isEqualTo(TransportChoice.IO_URING);
    assertThat(configOf("--config", "samples/proxy-local.yaml", "--transport", "nio").transport())
        .isEqualTo(TransportChoice.NIO);
  }

  @Test
  void exitsWith2ForAnUnknownTransport() {
    CliRun run = run("proxy", A, "--transport", "kqueue");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith(
        "stickypool proxy: --transport 'kqueue': expected auto, io_uring, epoll or nio").hasLineCount(1);
  }

  @Test
  void helpListsEveryOption() {
    CliRun run = run("proxy", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("--config=FILE", "--listen=HOST:PORT", "--admin=HOST:PORT",
        "--backend=ID=HOST:PORT[@WEIGHT]", "--affinity=MODE", "--trusted-proxy=CIDR",
        "--cookie-name=NAME", "--key-file=FILE", "--admin-token-file=FILE", "--workers=N",
        "--drain-grace=DURATION", "default: 30s", "--transport=NAME", "samples/proxy-local.yaml");
  }
}
