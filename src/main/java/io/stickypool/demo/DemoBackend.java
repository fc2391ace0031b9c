package io.stickypool.demo;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP backend for the demo (JDK HTTP server on loopback, ephemeral port): answers every
 * request with its own id, so the demo can see where each session lands.
 */
public final class DemoBackend implements AutoCloseable {
  private final String id;
  private final HttpServer server;
  private final AtomicInteger served = new AtomicInteger();

  DemoBackend(String id) throws IOException {
    this.id = id;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "demo-backend-" + id);
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", exchange -> {
      byte[] body = (id + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("X-Backend", id);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
      served.incrementAndGet();
    });
    server.start();
  }

  String id() {
    return id;
  }

  int port() {
    return server.getAddress().getPort();
  }

  int served() {
    return served.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
