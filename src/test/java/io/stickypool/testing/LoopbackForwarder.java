package io.stickypool.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder on a loopback port to a loopback target, that a test can cut and restore: an
 * outage of the server behind it, seen only by the clients that go through it. Bytes are copied
 * as they are (TLS passes through). {@link #cut} closes the listening socket and every forwarded
 * connection, so clients get a closed connection, then "connection refused"; {@link #restore}
 * listens again on the same port. One thread per direction of each connection, all daemons.
 */
public final class LoopbackForwarder implements AutoCloseable {
  private final int targetPort;
  private final int port;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "loopback-forwarder");
    t.setDaemon(true);
    return t;
  });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private ServerSocket listener;

  private LoopbackForwarder(int targetPort, int port) throws IOException {
    this.targetPort = targetPort;
    this.listener = listen(port);
    this.port = listener.getLocalPort();
    acceptFrom(listener);
  }

  /** Forwards an ephemeral loopback port to {@code targetPort} on loopback. */
  public static LoopbackForwarder start(int targetPort) throws IOException {
    return new LoopbackForwarder(targetPort, 0);
  }

  public int port() {
    return port;
  }

  /** Connections accepted so far, cut or not. */
  public int accepted() {
    return accepted.get();
  }

  /** The server goes away: nothing listens on {@link #port} and every open connection is closed. */
  public synchronized void cut() {
    shut(listener);
    listener = null;
    open.forEach(LoopbackForwarder::shut);
  }

  /** The server is back on the same port. */
  public synchronized void restore() throws IOException {
    if (listener == null) {
      listener = listen(port);
      acceptFrom(listener);
    }
  }

  @Override
  public void close() {
    cut();
    threads.shutdownNow();
  }

  private static ServerSocket listen(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    return s;
  }

  private void acceptFrom(ServerSocket server) {
    threads.execute(() -> {
      while (!server.isClosed()) {
        Socket client;
        try {
          client = server.accept();
        } catch (IOException closed) {
          return;
        }
        accepted.incrementAndGet();
        forward(client, server);
      }
    });
  }

  private void forward(Socket client, ServerSocket acceptedBy) {
    Socket upstream;
    try {
      upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
    } catch (IOException e) {
      shut(client);
      return;
    }
    synchronized (this) {
      if (listener != acceptedBy) {
        // Accepted just before a cut: it goes with the others.
        shut(client);
        shut(upstream);
        return;
      }
      open.add(client);
      open.add(upstream);
    }
    threads.execute(() -> pump(client, upstream));
    threads.execute(() -> pump(upstream, client));
  }

  /** Copies until either side ends, then closes both: no half-closed connections to track. */
  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException ended) {
      // Either side closed or was cut: both are closed below.
    } finally {
      shut(from);
      shut(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void shut(java.io.Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
