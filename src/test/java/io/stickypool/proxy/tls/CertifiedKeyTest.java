package io.stickypool.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stickypool.testing.TestCertificates;
import io.stickypool.testing.TestCertificates.Issued;
import io.stickypool.testing.TestCertificates.KeyFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM pairs as cert-manager and openssl write them, and the pairs that must be refused. */
class CertifiedKeyTest {
  private final TestCertificates ca = new TestCertificates();

  CertifiedKeyTest() throws Exception {}

  @Test
  void readsRsaAndEcKeysInPkcs8Pkcs1AndSec1() throws Exception {
    for (Issued issued : new Issued[] {ca.issueRsa(KeyFormat.PKCS8), ca.issueRsa(KeyFormat.TRADITIONAL),
        ca.issueEc(KeyFormat.PKCS8), ca.issueEc(KeyFormat.TRADITIONAL)}) {
      CertifiedKey pair = CertifiedKey.parse(issued.certPem(), issued.keyPem());

      assertThat(pair.serial()).isEqualTo(issued.serial());
      assertThat(pair.key().getEncoded()).isEqualTo(issued.key().getEncoded());
    }
  }

  @Test
  void readsAnOpensslEcKeyWithItsParametersBlockAndAChain(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("k.pem");
    Path cert = dir.resolve("c.pem");
    run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-out", key.toString());
    run("openssl", "req", "-new", "-x509", "-key", key.toString(), "-subj", "/CN=localhost", "-days", "1",
        "-out", cert.toString());
    String keyPem = Files.readString(key);
    assertThat(keyPem).contains("BEGIN EC PARAMETERS").contains("BEGIN EC PRIVATE KEY");

    CertifiedKey pair = CertifiedKey.parse(Files.readString(cert) + ca.caPem(), keyPem);

    assertThat(pair.chain()).hasSize(2);
    assertThat(pair.key().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void refusesAKeyOfAnotherCertificate() throws Exception {
    Issued one = ca.issueEc(KeyFormat.PKCS8);
    Issued other = ca.issueEc(KeyFormat.PKCS8);

    assertThatThrownBy(() -> CertifiedKey.parse(one.certPem(), other.keyPem()))
        .hasMessageStartingWith("the private key does not belong to the certificate");
  }

  @Test
  void refusesGarbageWithOneLineNamingWhatIsWrong() throws Exception {
    Issued one = ca.issueRsa(KeyFormat.PKCS8);

    assertThatThrownBy(() -> CertifiedKey.parse("not a certificate", one.keyPem()))
        .hasMessageStartingWith("the certificate does not parse");
    assertThatThrownBy(() -> CertifiedKey.parse(one.certPem(), "no key here"))
        .hasMessage("no PEM PRIVATE KEY block in the key");
    assertThatThrownBy(() -> CertifiedKey.parse(one.certPem(),
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"))
        .hasMessageContaining("encrypted keys are not supported");
    assertThatThrownBy(() -> CertifiedKey.parse(one.certPem(),
        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"))
        .hasMessage("the RSA PRIVATE KEY block is not an RSA, EC or Ed25519 key");
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }
}
