package io.stickypool.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A client on a raw socket that writes exactly the bytes it is given, in the pieces it is given
 * (each its own TCP segment: Nagle is off and the pieces are spaced), and parses responses with
 * {@link HttpWire}. Reads are bounded by the socket timeout.
 */
public final class WireClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;

  public WireClient(int port, Duration readTimeout) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setTcpNoDelay(true);
    socket.setSoTimeout((int) readTimeout.toMillis());
    in = new BufferedInputStream(socket.getInputStream());
  }

  public static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  public WireClient send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
    return this;
  }

  public WireClient send(String raw) throws IOException {
    return send(ascii(raw));
  }

  /**
   * Sends {@code bytes} cut at {@code cuts} (ascending offsets), pausing between pieces so that
   * the proxy reads them separately: the pause shapes the traffic, it waits for nothing.
   */
  public WireClient sendInPieces(byte[] bytes, int[] cuts, long pauseMicros) throws IOException {
    int from = 0;
    for (int cut : cuts) {
      if (cut > from && cut < bytes.length) {
        socket.getOutputStream().write(bytes, from, cut - from);
        socket.getOutputStream().flush();
        from = cut;
        pause(pauseMicros);
      }
    }
    socket.getOutputStream().write(bytes, from, bytes.length - from);
    socket.getOutputStream().flush();
    return this;
  }

  private static void pause(long micros) {
    if (micros > 0) {
      try {
        TimeUnit.MICROSECONDS.sleep(micros);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The next response (1xx skipped); null when the server closed cleanly between responses. */
  public HttpWire.Message response() throws IOException {
    return HttpWire.readResponse(in, false);
  }

  /** Up to {@code n} responses, fewer when the server closes first. */
  public List<HttpWire.Message> responses(int n) throws IOException {
    List<HttpWire.Message> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      HttpWire.Message m = response();
      if (m == null) {
        break;
      }
      out.add(m);
    }
    return out;
  }

  /** Whether the server closed the connection (end of stream or reset) within the read timeout. */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
