package io.stickypool.testing;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 frames written and read by hand on a plain socket, for the abuse tests: what a
 * well-behaved client library would never send. Header blocks are HPACK literals without indexing
 * or Huffman; response header blocks are read with Netty's decoder.
 */
public final class RawH2 implements AutoCloseable {
  public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  public static final int DATA = 0;
  public static final int HEADERS = 1;
  public static final int RST_STREAM = 3;
  public static final int SETTINGS = 4;
  public static final int GOAWAY = 7;
  public static final int CONTINUATION = 9;
  public static final int END_STREAM = 0x1;
  public static final int END_HEADERS = 0x4;

  /** One frame read from the server. */
  public record Frame(int type, int flags, int stream, byte[] payload) {
    /** The error code of a RST_STREAM or GOAWAY frame. */
    public long errorCode() {
      int at = type == GOAWAY ? 4 : 0;
      return ((payload[at] & 0xffL) << 24) | ((payload[at + 1] & 0xff) << 16) | ((payload[at + 2] & 0xff) << 8)
          | (payload[at + 3] & 0xff);
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final DefaultHttp2HeadersDecoder hpack = new DefaultHttp2HeadersDecoder(false);

  private RawH2(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** Opens a socket and sends nothing yet. */
  public static RawH2 open(int port) throws IOException {
    return new RawH2(port);
  }

  /** Opens a socket, sends the preface and empty SETTINGS, and acknowledges the server's SETTINGS. */
  public static RawH2 connect(int port) throws IOException {
    RawH2 c = new RawH2(port);
    c.write(PREFACE);
    c.frame(SETTINGS, 0, 0, new byte[0]);
    Frame f;
    while ((f = c.read()) != null && !(f.type() == SETTINGS && (f.flags() & 1) == 0)) {
      // skip until the server's own SETTINGS
    }
    c.frame(SETTINGS, 1, 0, new byte[0]);
    return c;
  }

  public void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  public void frame(int type, int flags, int stream, byte[] payload) throws IOException {
    out.write(header(payload.length, type, flags, stream));
    out.write(payload);
    out.flush();
  }

  public static byte[] header(int length, int type, int flags, int stream) {
    return new byte[] {
      (byte) (length >>> 16), (byte) (length >>> 8), (byte) length, (byte) type, (byte) flags,
      (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream
    };
  }

  /** A header block of literal fields without indexing: name, value, name, value... */
  public static byte[] block(String... nameValues) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < nameValues.length; i += 2) {
      b.write(0);
      string(b, nameValues[i]);
      string(b, nameValues[i + 1]);
    }
    return b.toByteArray();
  }

  /** The header block of a GET of {@code path}. */
  public static byte[] get(String path) {
    return block(":method", "GET", ":scheme", "http", ":path", path, ":authority", "localhost");
  }

  private static void string(ByteArrayOutputStream b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
    int n = bytes.length;
    if (n < 127) {
      b.write(n);
    } else {
      b.write(127);
      n -= 127;
      while (n >= 128) {
        b.write((n & 0x7f) | 0x80);
        n >>>= 7;
      }
      b.write(n);
    }
    b.write(bytes, 0, bytes.length);
  }

  /** The next frame, or null at the end of the stream (or a reset). */
  public Frame read() throws IOException {
    try {
      byte[] h = new byte[9];
      in.readFully(h);
      int length = ((h[0] & 0xff) << 16) | ((h[1] & 0xff) << 8) | (h[2] & 0xff);
      int stream = ((h[5] & 0x7f) << 24) | ((h[6] & 0xff) << 16) | ((h[7] & 0xff) << 8) | (h[8] & 0xff);
      byte[] payload = new byte[length];
      in.readFully(payload);
      return new Frame(h[3] & 0xff, h[4] & 0xff, stream, payload);
    } catch (EOFException | java.net.SocketException e) {
      return null;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame from the server within the socket timeout", e);
    }
  }

  /** Reads until a frame of {@code type} (returned) or the end of the stream (null). */
  public Frame readUntil(int type) throws IOException {
    Frame f;
    while ((f = read()) != null && f.type() != type) {
      // skip
    }
    return f;
  }

  /** Reads until the server closes; returns the GOAWAY it sent on the way, or null. */
  public Frame goAwayThenClose() throws IOException {
    Frame goAway = null;
    Frame f;
    while ((f = read()) != null) {
      if (f.type() == GOAWAY) {
        goAway = f;
      }
    }
    return goAway;
  }

  /** Decodes a (single-frame) response header block. */
  public Http2Headers headers(Frame f) throws Http2Exception {
    return hpack.decodeHeaders(f.stream(), Unpooled.wrappedBuffer(f.payload()));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
