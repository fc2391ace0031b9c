package io.stickypool.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A deliberately dumb HTTP client for malformed and hand-crafted requests: writes raw bytes, reads
 * whatever comes back until the server closes or a bounded timeout passes.
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private boolean closedByPeer;

  public RawHttp(int port, Duration readTimeout) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout((int) readTimeout.toMillis());
  }

  /** Sends {@code raw} and returns everything the server sends until it closes or goes quiet. */
  public static String exchange(int port, String raw, Duration quiet) throws IOException {
    try (RawHttp c = new RawHttp(port, quiet)) {
      c.send(raw);
      return c.readUntilQuietOrClosed();
    }
  }

  /**
   * Sends {@code raw} and reads until the received text ends with {@code suffix}, the server
   * closes, or {@code max} passes (whichever first).
   */
  public static String exchangeUntil(int port, String raw, String suffix, Duration max) throws IOException {
    try (RawHttp c = new RawHttp(port, Duration.ofMillis(100))) {
      c.send(raw);
      return c.readUntilEndsWith(suffix, max);
    }
  }

  /** Reads until the text received so far ends with {@code suffix}, the peer closes, or max passes. */
  public String readUntilEndsWith(String suffix, Duration max) throws IOException {
    long deadline = System.nanoTime() + max.toNanos();
    String text = received.toString(StandardCharsets.ISO_8859_1);
    while (!text.endsWith(suffix) && !closedByPeer && System.nanoTime() < deadline) {
      text = readUntilQuietOrClosed();
    }
    return text;
  }

  public void send(String raw) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Reads until the peer closes the connection or nothing arrives within the read timeout. */
  public String readUntilQuietOrClosed() throws IOException {
    InputStream in = socket.getInputStream();
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        received.write(buf, 0, n);
      }
      closedByPeer = true;
    } catch (SocketTimeoutException quiet) {
      // nothing more for now
    } catch (IOException reset) {
      closedByPeer = true;
    }
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  /** Whether the last read ended because the server closed the connection. */
  public boolean closedByPeer() {
    return closedByPeer;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
