package io.stickypool.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.zip.CRC32;

/**
 * A blocking HTTP/1.1 backend on plain sockets that records every request exactly as it parsed it
 * (with {@link HttpWire}, not Netty), for tests of what crosses the proxy. Two ways to answer:
 *
 * <ul>
 *   <li>{@link Mode#READ_THEN_ANSWER}: reads the whole request, then answers;
 *   <li>{@link Mode#ANSWER_THEN_DISCARD}: answers after the head (optionally after a delay), then
 *       reads and drops the declared body, as Go's and Node's servers do; a connection that is
 *       handed back out of step shows up here as a request nobody sent.
 * </ul>
 *
 * The answer is 200 with {@code X-Req-Id} copied and a body naming the request:
 * {@code <id> <method> <target> <body length> <body crc32>}; chunked when the request says
 * {@code X-Respond: chunked}. Loopback only, ephemeral port, one thread per connection.
 */
public final class ScriptedBackend implements AutoCloseable {
  public enum Mode {
    READ_THEN_ANSWER,
    ANSWER_THEN_DISCARD
  }

  /** A request as this backend read it, and on which of its connections. */
  public record Received(int connection, HttpWire.Message message) {
    public String id() {
      return message.header("X-Req-Id");
    }
  }

  private final ServerSocket server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger closedByPeer = new AtomicInteger();
  private final Thread acceptor;
  private volatile Mode mode = Mode.READ_THEN_ANSWER;
  private volatile long answerDelayMillis;
  private volatile Function<HttpWire.Message, byte[]> answer = ScriptedBackend::describe;

  private ScriptedBackend() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptLoop, "scripted-backend-" + server.getLocalPort());
    acceptor.setDaemon(true);
  }

  public static ScriptedBackend start() throws IOException {
    ScriptedBackend b = new ScriptedBackend();
    b.acceptor.start();
    return b;
  }

  public ScriptedBackend mode(Mode mode, long answerDelayMillis) {
    this.mode = mode;
    this.answerDelayMillis = answerDelayMillis;
    return this;
  }

  /** Replaces the default answer (raw bytes written as they are); null restores the default. */
  public ScriptedBackend answer(Function<HttpWire.Message, byte[]> answer) {
    this.answer = answer == null ? ScriptedBackend::describe : answer;
    return this;
  }

  public int port() {
    return server.getLocalPort();
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public int connectionsAccepted() {
    return connections.get();
  }

  /** Connections that the proxy closed (end of stream seen here). */
  public int connectionsClosedByPeer() {
    return closedByPeer.get();
  }

  /** The default answer's body for a request with this id, method, target and body. */
  public static String expectedBody(String id, String method, String target, byte[] body) {
    CRC32 crc = new CRC32();
    crc.update(body);
    return id + " " + method + " " + target + " " + body.length + " " + crc.getValue();
  }

  private static byte[] describe(HttpWire.Message request) {
    String id = request.header("X-Req-Id");
    byte[] body = expectedBody(id, request.method(), request.target(), request.body())
        .getBytes(StandardCharsets.ISO_8859_1);
    String head = "HTTP/1.1 200 OK\r\nX-Req-Id: " + id + "\r\n";
    String framing = "chunked".equals(request.header("X-Respond"))
        ? "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length) + "\r\n"
        : "Content-Length: " + body.length + "\r\n\r\n";
    String tail = "chunked".equals(request.header("X-Respond")) ? "\r\n0\r\n\r\n" : "";
    return concat(head + framing, body, tail);
  }

  private static byte[] concat(String a, byte[] b, String c) {
    byte[] x = a.getBytes(StandardCharsets.ISO_8859_1);
    byte[] z = c.getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[x.length + b.length + z.length];
    System.arraycopy(x, 0, out, 0, x.length);
    System.arraycopy(b, 0, out, x.length, b.length);
    System.arraycopy(z, 0, out, x.length + b.length, z.length);
    return out;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        sockets.add(s);
        int n = connections.incrementAndGet();
        Thread t = new Thread(() -> serve(s, n), "scripted-backend-conn-" + n);
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket s, int connection) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      HttpWire.Message head;
      while ((head = HttpWire.readHead(in)) != null) {
        if (mode == Mode.ANSWER_THEN_DISCARD) {
          pause();
          out.write(answer.apply(head));
          out.flush();
          received.add(new Received(connection, HttpWire.readRequestBody(in, head)));
        } else {
          HttpWire.Message request = HttpWire.readRequestBody(in, head);
          received.add(new Received(connection, request)); // recorded before the client can see the answer
          pause();
          byte[] bytes = answer.apply(request);
          out.write(bytes);
          out.flush();
          if (new String(bytes, StandardCharsets.ISO_8859_1).contains("\r\nConnection: close\r\n")) {
            break; // as it said it would (RFC 9112 9.6)
          }
        }
      }
      closedByPeer.incrementAndGet();
    } catch (IOException e) {
      closedByPeer.incrementAndGet(); // reset or garbage: the connection is gone either way
    } finally {
      sockets.remove(s);
    }
  }

  private void pause() {
    if (answerDelayMillis > 0) {
      try {
        Thread.sleep(answerDelayMillis); // the backend's own think time, part of its script
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
