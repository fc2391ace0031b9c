package io.stickypool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.routes.kubernetes.ConfigMapRef;
import io.stickypool.testing.RoutesConfigMaps;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code proxy --config-map}: flag rules, namespace resolution, and the one read at start, against
 * a real API server.
 */
class ProxyCommandConfigMapApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final UnaryOperator<String> NO_ENV = name -> null;

  private final String ns = K8S.namespace();
  private final RoutesConfigMaps webRoutes =
      new RoutesConfigMaps(K8S.client(), new ConfigMapRef(ns, "web-routes"));

  @AfterEach
  void deleteTheConfigMap() {
    webRoutes.delete();
  }

  /**
   * A command whose API client is a new admin client of the real server (the command closes it),
   * in a pod of this class's namespace.
   */
  private ProxyCommand command(String... args) {
    ProxyCommand command = new ProxyCommand();
    command.kubernetes = () -> new KubernetesClientBuilder().withConfig(K8S.client().getConfiguration()).build();
    command.environment = name -> name.equals(ConfigMapFlag.NAMESPACE_ENV) ? ns : null;
    new CommandLine(command).parseArgs(args);
    return command;
  }

  static Stream<Arguments> conflicts() {
    return Stream.of(
        Arguments.of(List.of("--config-map", "web-routes", "--config", "proxy.yaml"),
            "--config-map cannot be combined with --config: the ConfigMap's proxy: block holds"
                + " those settings"),
        Arguments.of(List.of("--config-map", "web-routes", "--backend", "a=127.0.0.1:1",
                "--workers", "2"),
            "--config-map cannot be combined with --backend, --workers: the ConfigMap's proxy:"
                + " block holds those settings"),
        Arguments.of(List.of("--config-map", "a/b/c"),
            "--config-map 'a/b/c': expected NAMESPACE/NAME or NAME"),
        Arguments.of(List.of("--config-map", "shop/"),
            "--config-map 'shop/': expected NAMESPACE/NAME or NAME"));
  }

  @ParameterizedTest
  @MethodSource("conflicts")
  void refusesConflictingOrMalformedFlags(List<String> args, String message) {
    assertThatThrownBy(() -> command(args.toArray(String[]::new)).config())
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage(message);
  }

  @Test
  void allowsDrainGraceBesideTheConfigMap() throws Exception {
    webRoutes.write(RoutesConfigMaps.document(3, Map.of("a", 18081)));

    ProxyConfig config = command("--config-map", "web-routes", "--drain-grace", "5s").config();

    assertThat(config.routes().version()).isEqualTo(3);
    assertThat(config.listen()).isEqualTo(new InetSocketAddress("127.0.0.1", 0));
  }

  @Test
  void takesTheNamespaceFromTheFlagThenEnvironmentThenServiceAccount(@TempDir Path dir)
      throws Exception {
    Path namespaceFile = dir.resolve("namespace");
    Files.writeString(namespaceFile, "team\n");
    Path missing = dir.resolve("missing");

    assertThat(ConfigMapFlag.resolve("ops/web", name -> "shop", namespaceFile))
        .isEqualTo(new ConfigMapRef("ops", "web"));
    assertThat(ConfigMapFlag.resolve("web", name -> "shop", namespaceFile))
        .isEqualTo(new ConfigMapRef("shop", "web"));
    assertThat(ConfigMapFlag.resolve("web", NO_ENV, namespaceFile))
        .isEqualTo(new ConfigMapRef("team", "web"));
    assertThatThrownBy(() -> ConfigMapFlag.resolve("web", NO_ENV, missing))
        .hasMessage("--config-map 'web': no namespace: give NAMESPACE/NAME, or set POD_NAMESPACE"
            + " (in a pod: from the downward API)");
  }

  @Test
  void exitsWith1WhenTheConfigMapCannotBeRead() {
    StringWriter err = new StringWriter();
    int code = new CommandLine(command())
        .setErr(new PrintWriter(err, true))
        .execute("--config-map", ns + "/absent");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("stickypool proxy: ConfigMap " + ns + "/absent not found"
        + System.lineSeparator());
  }

  @Test
  void exitsWith1AndNamesTheFieldForAnInvalidDocument() {
    webRoutes.write(RoutesConfigMaps.document(3, Map.of("a", 0)));
    StringWriter err = new StringWriter();

    int code = new CommandLine(command()).setErr(new PrintWriter(err, true))
        .execute("--config-map", "web-routes");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).startsWith("stickypool proxy: ConfigMap " + ns + "/web-routes key"
        + " proxy.json: backends[0].port: 0 is not 1..65535 (line");
  }
}
