package io.stickypool.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * HTTPS load against the proxy while its certificate changes: one thread sends requests over one
 * keep-alive connection (JDK HttpClient), another opens a new TLS connection for every request
 * and records the serial of the certificate it was served. Counts requests and failures; bounded
 * in rounds and stopped by {@link #close}.
 */
public final class TlsLoad implements AutoCloseable {
  private static final int MAX_ROUNDS = 200_000;
  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger keepAliveDone = new AtomicInteger();
  private final AtomicInteger newConnectionsDone = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private final Set<String> serials = ConcurrentHashMap.newKeySet();
  private volatile String lastSerial;
  private volatile String firstFailure;
  private final SSLContext tls;
  private final int port;

  private TlsLoad(SSLContext tls, int port) {
    this.tls = tls;
    this.port = port;
  }

  public static TlsLoad start(SSLContext tls, int port) {
    TlsLoad load = new TlsLoad(tls, port);
    load.pool.submit(load::keepAlive);
    load.pool.submit(load::newConnections);
    return load;
  }

  private void keepAlive() {
    HttpClient client = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    URI uri = URI.create("https://127.0.0.1:" + port + "/");
    for (int i = 0; i < MAX_ROUNDS && !stop.get(); i++) {
      try {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          fail("keep-alive: status " + r.statusCode());
        }
      } catch (IOException | InterruptedException e) {
        fail("keep-alive: " + e);
      }
      keepAliveDone.incrementAndGet();
    }
  }

  private void newConnections() {
    for (int i = 0; i < MAX_ROUNDS && !stop.get(); i++) {
      try {
        Served s = get(tls, port);
        lastSerial = s.serial();
        serials.add(s.serial());
        if (!s.statusLine().startsWith("HTTP/1.1 200")) {
          fail("new connection: " + s.statusLine());
        }
      } catch (IOException e) {
        fail("new connection: " + e);
      }
      newConnectionsDone.incrementAndGet();
    }
  }

  /** What one new TLS connection was served: the certificate's serial and the status line. */
  public record Served(String serial, String statusLine) {}

  /** Opens a TLS connection, sends {@code GET /} with Connection: close, reads the status line. */
  public static Served get(SSLContext tls, int port) throws IOException {
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      OutputStream out = socket.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String all = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      int eol = all.indexOf("\r\n");
      return new Served(leaf.getSerialNumber().toString(16).toUpperCase(Locale.ROOT),
          eol < 0 ? all : all.substring(0, eol));
    }
  }

  private void fail(String what) {
    if (failures.incrementAndGet() == 1) {
      firstFailure = what;
    }
  }

  public int keepAliveDone() {
    return keepAliveDone.get();
  }

  public int newConnectionsDone() {
    return newConnectionsDone.get();
  }

  public int failures() {
    return failures.get();
  }

  public String firstFailure() {
    return firstFailure;
  }

  /** The serial the last new connection was served, or null before the first. */
  public String lastSerial() {
    return lastSerial;
  }

  public Set<String> serials() {
    return serials;
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    pool.shutdown();
    if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
      pool.shutdownNow();
    }
  }
}
