package io.stickypool.proxy.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A certificate chain and the private key of its first certificate, read from PEM as cert-manager
 * and openssl write them: the key as PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE
 * KEY}) or SEC 1 ({@code EC PRIVATE KEY}); the chain as one or more {@code CERTIFICATE} blocks,
 * leaf first. A pair whose key does not belong to the leaf is refused. Immutable.
 */
public record CertifiedKey(PrivateKey key, List<X509Certificate> chain) {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
  private static final byte[] PROBE = "stickypool key check".getBytes(StandardCharsets.US_ASCII);

  public CertifiedKey {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("no certificate");
    }
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** The leaf's serial number in hex, as {@code openssl x509 -serial} prints it. */
  public String serial() {
    return leaf().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
  }

  /** One line for logs: subject, serial, expiry. */
  public String describe() {
    return leaf().getSubjectX500Principal().getName() + " serial " + serial() + " expires "
        + leaf().getNotAfter().toInstant();
  }

  /**
   * Parses and checks a pair.
   *
   * @throws IllegalArgumentException with a one-line reason (never key material) when either part
   *     does not parse or the key does not belong to the certificate
   */
  public static CertifiedKey parse(String certificatePem, String keyPem) {
    List<X509Certificate> chain = certificates(certificatePem);
    PrivateKey key = privateKey(keyPem, chain.get(0));
    if (!matches(key, chain.get(0))) {
      throw new IllegalArgumentException("the private key does not belong to the certificate ("
          + chain.get(0).getSubjectX500Principal().getName() + ")");
    }
    return new CertifiedKey(key, chain);
  }

  static List<X509Certificate> certificates(String pem) {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      List<X509Certificate> out = new java.util.ArrayList<>();
      for (Certificate c : factory.generateCertificates(
          new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException("no PEM CERTIFICATE block in the certificate");
      }
      return out;
    } catch (CertificateException e) {
      throw new IllegalArgumentException("the certificate does not parse: " + e.getMessage(), e);
    }
  }

  /** @param leaf names the curve of an EC key written without one (as some tools do) */
  static PrivateKey privateKey(String pem, X509Certificate leaf) {
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      String type = m.group(1);
      if (!type.endsWith("PRIVATE KEY")) {
        continue; // such as EC PARAMETERS, which openssl writes before an EC key
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the " + type + " block is not base64");
      }
      return switch (type) {
        case "PRIVATE KEY" -> pkcs8(der, type);
        case "RSA PRIVATE KEY" -> pkcs8(Der.rsaPkcs8(der), type);
        case "EC PRIVATE KEY" -> pkcs8(Der.ecPkcs8(der, curveOf(leaf)), type);
        default -> throw new IllegalArgumentException(
            "unsupported key block " + type + " (want PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY;"
                + " encrypted keys are not supported)");
      };
    }
    throw new IllegalArgumentException("no PEM PRIVATE KEY block in the key");
  }

  /** The DER OID of the leaf's EC curve, or null when its key is not EC. */
  private static byte[] curveOf(X509Certificate leaf) {
    if (!(leaf.getPublicKey() instanceof java.security.interfaces.ECPublicKey ec)) {
      return null;
    }
    try {
      java.security.AlgorithmParameters p = java.security.AlgorithmParameters.getInstance("EC");
      p.init(ec.getParams());
      return p.getEncoded();
    } catch (GeneralSecurityException | java.io.IOException e) {
      return null;
    }
  }

  private static PrivateKey pkcs8(byte[] der, String type) {
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm
      }
    }
    throw new IllegalArgumentException("the " + type + " block is not an RSA, EC or Ed25519 key");
  }

  /** Signs with the key and verifies with the certificate's public key. */
  private static boolean matches(PrivateKey key, X509Certificate cert) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm();
    };
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** The smallest DER needed to wrap PKCS#1 and SEC 1 keys as PKCS#8 PrivateKeyInfo. */
  static final class Der {
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private Der() {}

    static byte[] rsaPkcs8(byte[] pkcs1) {
      return sequence(concat(new byte[] {0x02, 0x01, 0x00}, RSA_ALGORITHM, tlv(0x04, pkcs1)));
    }

    /** SEC 1 ECPrivateKey: SEQUENCE { version, privateKey OCTET STRING, [0] curve OID, [1] public key }. */
    static byte[] ecPkcs8(byte[] sec1, byte[] fallbackCurve) {
      int[] seq = header(sec1, 0, 0x30);
      int pos = seq[0];
      int end = pos + seq[1];
      byte[] curve = null;
      while (pos < end) {
        int tag = sec1[pos] & 0xff;
        int[] h = header(sec1, pos, tag);
        if (tag == 0xa0) {
          curve = java.util.Arrays.copyOfRange(sec1, h[0], h[0] + h[1]);
        }
        pos = h[0] + h[1];
      }
      curve = curve == null ? fallbackCurve : curve;
      if (curve == null) {
        throw new IllegalArgumentException("the EC PRIVATE KEY block names no curve");
      }
      byte[] algorithm = sequence(concat(EC_PUBLIC_KEY_OID, curve));
      return sequence(concat(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, sec1)));
    }

    /** {content start, content length} of the element at {@code pos}, which must have {@code tag}. */
    private static int[] header(byte[] der, int pos, int tag) {
      if (pos + 2 > der.length || (der[pos] & 0xff) != tag) {
        throw new IllegalArgumentException("the key is not valid DER");
      }
      int first = der[pos + 1] & 0xff;
      if (first < 0x80) {
        return new int[] {pos + 2, first};
      }
      int n = first & 0x7f;
      if (n < 1 || n > 3 || pos + 2 + n > der.length) {
        throw new IllegalArgumentException("the key is not valid DER");
      }
      int length = new BigInteger(1, java.util.Arrays.copyOfRange(der, pos + 2, pos + 2 + n)).intValue();
      if (pos + 2 + n + length > der.length) {
        throw new IllegalArgumentException("the key is not valid DER");
      }
      return new int[] {pos + 2 + n, length};
    }

    private static byte[] sequence(byte[] content) {
      return tlv(0x30, content);
    }

    private static byte[] tlv(int tag, byte[] content) {
      int n = content.length;
      byte[] length = n < 0x80 ? new byte[] {(byte) n}
          : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
          : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
          : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
      return concat(new byte[] {(byte) tag}, length, content);
    }

    private static byte[] concat(byte[]... parts) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      for (byte[] p : parts) {
        out.writeBytes(p);
      }
      return out.toByteArray();
    }
  }
}
