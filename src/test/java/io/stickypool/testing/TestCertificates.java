package io.stickypool.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test certificate authority that issues server certificates for {@code localhost} and
 * {@code 127.0.0.1}, each with its own serial, and writes them as PEM the way cert-manager and
 * openssl do (key as PKCS#8, PKCS#1 or SEC 1). Clients trust the CA, so a rotated leaf is trusted.
 */
public final class TestCertificates {
  /** How the private key is written. */
  public enum KeyFormat { PKCS8, TRADITIONAL }

  private static final AtomicLong SERIALS = new AtomicLong(0x1000);
  private final KeyPair caKeys;
  private final X509Certificate ca;

  /** A leaf certificate, its key, and both as PEM text. */
  public record Issued(X509Certificate certificate, PrivateKey key, String certPem, String keyPem) {
    public String serial() {
      return certificate.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
    }

    /** Writes both files by atomic rename (as an editor or a Secret volume would). */
    public void writeTo(Path certFile, Path keyFile) throws IOException {
      replace(certFile, certPem);
      replace(keyFile, keyPem);
    }
  }

  public TestCertificates() throws GeneralSecurityException {
    caKeys = ec();
    ca = sign(new X500Name("CN=stickypool test CA"), caKeys, true);
  }

  public X509Certificate ca() {
    return ca;
  }

  public Issued issueRsa(KeyFormat format) throws GeneralSecurityException, IOException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return issue(g.generateKeyPair(), format);
  }

  public Issued issueEc(KeyFormat format) throws GeneralSecurityException, IOException {
    return issue(ec(), format);
  }

  /** An SSLContext that trusts this CA only. */
  public SSLContext clientContext() throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** The CA certificate as PEM (for curl --cacert). */
  public String caPem() throws IOException {
    return pem(ca);
  }

  private Issued issue(KeyPair keys, KeyFormat format) throws GeneralSecurityException, IOException {
    X509Certificate leaf = sign(new X500Name("CN=localhost"), keys, false);
    String keyPem = format == KeyFormat.PKCS8 ? pem(new JcaPKCS8Generator(keys.getPrivate(), null)) : pem(keys.getPrivate());
    return new Issued(leaf, keys.getPrivate(), pem(leaf), keyPem);
  }

  private X509Certificate sign(X500Name subject, KeyPair keys, boolean isCa) throws GeneralSecurityException {
    Instant now = Instant.now();
    try {
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          isCa ? subject : new X500Name("CN=stickypool test CA"),
          BigInteger.valueOf(SERIALS.incrementAndGet()),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))),
          subject, keys.getPublic());
      if (isCa) {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      } else {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress())}));
      }
      var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(isCa ? keys.getPrivate() : caKeys.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (Exception e) {
      throw new GeneralSecurityException("cannot issue a test certificate", e);
    }
  }

  private static KeyPair ec() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }

  public static void replace(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
