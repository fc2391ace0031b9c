package io.stickypool.operator.sessions;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A stand-in proxy admin port on 127.0.0.1: serves whatever body the test last set on
 * {@code /sessions/report}, optionally late, or fails with a status. Closing it releases any
 * request still held back.
 */
public final class ReportServer implements AutoCloseable {
  private final HttpServer server;
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile Supplier<String> body = () -> "{}";
  private volatile int status = 200;
  private volatile Duration delay = Duration.ZERO;

  public ReportServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/sessions/report", exchange -> {
      try (exchange) {
        if (!delay.isZero() && closed.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
        byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    server.start();
  }

  public ReportServer serve(String body) {
    return serve(() -> body);
  }

  /** A body computed per request, e.g. from what the operator published, as a real proxy's is. */
  public ReportServer serve(Supplier<String> body) {
    this.body = body;
    return this;
  }

  public ReportServer status(int status) {
    this.status = status;
    return this;
  }

  public ReportServer delay(Duration delay) {
    this.delay = delay;
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public AdminTarget target(String pod) {
    return new AdminTarget(pod, "127.0.0.1", port());
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
