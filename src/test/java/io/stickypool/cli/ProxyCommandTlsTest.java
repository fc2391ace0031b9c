package io.stickypool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.config.ProxyConfigLoader;
import io.stickypool.proxy.tls.TlsEngine;
import io.stickypool.testing.TestCertificates;
import io.stickypool.testing.TestCertificates.KeyFormat;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The TLS flags and the YAML's proxy.tls block, and how a bad pair ends a start. */
class ProxyCommandTlsTest {
  private static final String A = "--backend=a=127.0.0.1:18081";

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void tlsFlagsDescribeTheListenersCertificateFiles() throws Exception {
    ProxyCommand command = new ProxyCommand();
    new CommandLine(command).parseArgs(A, "--tls-cert", "/etc/tls/tls.crt", "--tls-key", "/etc/tls/tls.key");

    ProxyConfig config = command.config();

    assertThat(config.tls().certFile()).isEqualTo(Path.of("/etc/tls/tls.crt"));
    assertThat(config.tls().keyFile()).isEqualTo(Path.of("/etc/tls/tls.key"));
    assertThat(config.tls().engine()).isEqualTo(TlsEngine.AUTO);
  }

  @Test
  void tlsEngineFlagPicksTheEngineAndNeedsTheFiles() {
    CliRun jdk = run("proxy", A, "--tls-cert", "a", "--tls-key", "b", "--tls-engine", "wolfssl");
    CliRun alone = run("proxy", A, "--tls-engine", "jdk");

    assertThat(jdk.exitCode()).isEqualTo(2);
    assertThat(jdk.err()).startsWith("stickypool proxy: --tls-engine 'wolfssl': expected auto, openssl or jdk");
    assertThat(alone.exitCode()).isEqualTo(2);
    assertThat(alone.err()).startsWith("stickypool proxy: --tls-engine needs --tls-cert and --tls-key");
  }

  @Test
  void exitsWith2ForACertificateWithoutItsKeyOrBesideAConfigFile() {
    CliRun lone = run("proxy", A, "--tls-cert", "tls.crt");
    CliRun withConfig = run("proxy", "--config", "samples/proxy-local.yaml", "--tls-cert", "a", "--tls-key", "b");

    assertThat(lone.exitCode()).isEqualTo(2);
    assertThat(lone.err()).startsWith("stickypool proxy: --tls-cert needs --tls-key");
    assertThat(withConfig.exitCode()).isEqualTo(2);
    assertThat(withConfig.err()).contains("--config cannot be combined with --tls-cert, --tls-key");
  }

  @Test
  void exitsWith1AndOneLineForAKeyOfAnotherCertificate(@TempDir Path dir) throws Exception {
    TestCertificates ca = new TestCertificates();
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    Files.writeString(cert, ca.issueEc(KeyFormat.PKCS8).certPem());
    Files.writeString(key, ca.issueEc(KeyFormat.PKCS8).keyPem());

    CliRun run = run("proxy", A, "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
        "--tls-cert", cert.toString(), "--tls-key", key.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("stickypool proxy: files:" + cert + "," + key
        + ": the private key does not belong to the certificate (CN=localhost)\n");
  }

  @Test
  void readsTheTlsBlockWithFilesRelativeToTheConfig(@TempDir Path dir) throws Exception {
    ProxyConfig config = ProxyConfigLoader.parse("""
        backends: [ {id: a, host: 127.0.0.1, port: 8081} ]
        proxy:
          tls: {certFile: tls/tls.crt, keyFile: /abs/tls.key, engine: jdk}
        """, dir);

    assertThat(config.tls().certFile()).isEqualTo(dir.resolve("tls/tls.crt"));
    assertThat(config.tls().keyFile()).isEqualTo(Path.of("/abs/tls.key"));
    assertThat(config.tls().engine()).isEqualTo(TlsEngine.JDK);
  }

  @Test
  void refusesATlsBlockWithoutItsKeyOrWithAnUnknownEngine(@TempDir Path dir) {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProxyConfigLoader.parse("""
        backends: []
        proxy:
          tls: {certFile: tls.crt}
        """, dir)).hasMessageContaining("proxy.tls.keyFile: required field is missing");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProxyConfigLoader.parse("""
        backends: []
        proxy:
          tls: {certFile: a, keyFile: b, engine: gnutls}
        """, dir)).hasMessageContaining("proxy.tls.engine: 'gnutls': expected auto, openssl or jdk");
  }

  @Test
  void backendTlsFromFlagsAndFromTheYaml(@TempDir Path dir) throws Exception {
    ProxyCommand command = new ProxyCommand();
    new CommandLine(command).parseArgs(A, "--backend-tls", "--backend-ca", "/etc/ca.pem");
    ProxyConfig fromYaml = ProxyConfigLoader.parse("""
        backends: [ {id: a, host: 127.0.0.1, port: 8081} ]
        proxy:
          backendTls: {caFile: ca.pem, serverName: web.shop.svc}
        """, dir);
    CliRun caAlone = run("proxy", A, "--backend-ca", "ca.pem");

    assertThat(command.config().backendTls().caFile()).isEqualTo(Path.of("/etc/ca.pem"));
    assertThat(command.config().backendTls().serverName()).isNull();
    assertThat(fromYaml.backendTls().caFile()).isEqualTo(dir.resolve("ca.pem"));
    assertThat(fromYaml.backendTls().serverName()).isEqualTo("web.shop.svc");
    assertThat(caAlone.exitCode()).isEqualTo(2);
    assertThat(caAlone.err()).startsWith("stickypool proxy: --backend-ca needs --backend-tls");
  }
}
