package io.stickypool.proxy.tls;

import io.stickypool.proxy.config.WatchedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The certificate and key from two PEM files, reloaded when either changes (written in place,
 * renamed over, or swapped behind a symlink as a mounted Secret is; see {@link WatchedFile}). Both
 * files are read again on every change, so a pair replaced file by file is refused (reported)
 * until both halves match, then applied.
 *
 * <p>Threading: {@link #start} delivers the first pair on its caller's thread; later ones come
 * from the watchers' threads, serialized here.
 */
public final class TlsFileSource implements TlsSource {
  private final Path certFile;
  private final Path keyFile;
  private final WatchedFile certWatch;
  private final WatchedFile keyWatch;
  private final String origin;
  private TlsListener listener;
  private String lastCert;
  private String lastKey;
  /** A problem was reported since the last pair delivered: the same pair again ends it. */
  private boolean reported;

  public TlsFileSource(Path certFile, Path keyFile) {
    this.certFile = certFile.toAbsolutePath();
    this.keyFile = keyFile.toAbsolutePath();
    this.certWatch = new WatchedFile(this.certFile, "sp-tls-cert");
    this.keyWatch = new WatchedFile(this.keyFile, "sp-tls-key");
    this.origin = "files:" + this.certFile + "," + this.keyFile;
  }

  /**
   * Reads and delivers the pair, then watches both files.
   *
   * @throws TlsUnavailableException when a file cannot be read or the pair is not valid
   */
  @Override
  public void start(TlsListener pairs) {
    this.listener = Objects.requireNonNull(pairs, "listener");
    synchronized (this) {
      String cert = read(certFile, "certificate");
      String key = read(keyFile, "key");
      CertifiedKey pair;
      try {
        pair = CertifiedKey.parse(cert, key);
      } catch (IllegalArgumentException e) {
        throw new TlsUnavailableException(origin + ": " + e.getMessage());
      }
      lastCert = cert;
      lastKey = key;
      listener.onPair(pair, origin);
    }
    try {
      certWatch.start(changes());
      keyWatch.start(changes());
    } catch (IOException e) {
      close();
      throw new TlsUnavailableException("cannot watch " + origin + ": " + e);
    }
  }

  private WatchedFile.Handler changes() {
    return new WatchedFile.Handler() {
      @Override
      public void changed(String content) {
        reload();
      }

      @Override
      public void unreadable(IOException problem) {
        reload();
      }
    };
  }

  private synchronized void reload() {
    String cert;
    String key;
    CertifiedKey pair;
    try {
      cert = read(certFile, "certificate");
      key = read(keyFile, "key");
      if (cert.equals(lastCert) && key.equals(lastKey) && !reported) {
        return;
      }
      pair = CertifiedKey.parse(cert, key);
    } catch (TlsUnavailableException | IllegalArgumentException e) {
      reported = true;
      listener.onProblem(origin, e.getMessage());
      return;
    }
    reported = false;
    lastCert = cert;
    lastKey = key;
    listener.onPair(pair, origin);
  }

  private static String read(Path file, String what) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new TlsUnavailableException("cannot read TLS " + what + " file " + file + ": " + e);
    }
  }

  @Override
  public String describe() {
    return origin;
  }

  @Override
  public void close() {
    certWatch.close();
    keyWatch.close();
  }
}
