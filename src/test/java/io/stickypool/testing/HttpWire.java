package io.stickypool.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A plain blocking reader of HTTP/1.1 messages from a socket, written apart from Netty so that tests
 * see the bytes the way an independent peer parses them: a head, then a body framed by chunked
 * coding or Content-Length, exactly as RFC 9112 6.3 orders them.
 */
public final class HttpWire {
  private HttpWire() {}

  /** One message: its start line, header fields in order, body, trailer fields and head size. */
  public record Message(
      String startLine, List<String[]> headers, byte[] body, List<String[]> trailers, int headLength) {
    public String header(String name) {
      return find(headers, name);
    }

    public String trailer(String name) {
      return find(trailers, name);
    }

    public int headerCount(String name) {
      return (int) headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).count();
    }

    /** The status code of a response. */
    public int status() {
      return Integer.parseInt(startLine.split(" ")[1]);
    }

    public String method() {
      return startLine.split(" ")[0];
    }

    public String target() {
      return startLine.split(" ")[1];
    }

    public String bodyText() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }

    private static String find(List<String[]> fields, String name) {
      for (String[] f : fields) {
        if (f[0].equalsIgnoreCase(name)) {
          return f[1];
        }
      }
      return null;
    }
  }

  /** The start line and header fields, or null when the stream ended before a message began. */
  public static Message readHead(InputStream in) throws IOException {
    String start = readLine(in, true);
    if (start == null) {
      return null;
    }
    List<String[]> fields = readFields(in);
    int length = start.length() + 2 + 2;
    for (String[] f : fields) {
      length += f[0].length() + 2 + f[1].length() + 2; // as "Name: value" lines, which is what peers send
    }
    return new Message(start, fields, new byte[0], List.of(), length);
  }

  /** Reads the body a request head announces (none when it announces none). */
  public static Message readRequestBody(InputStream in, Message head) throws IOException {
    return readBody(in, head, false);
  }

  /** A whole response, skipping 1xx interim ones; null at a clean end of stream. */
  public static Message readResponse(InputStream in, boolean toHead) throws IOException {
    while (true) {
      Message head = readHead(in);
      if (head == null) {
        return null;
      }
      int status = head.status();
      if (status >= 100 && status < 200 && status != 101) {
        continue;
      }
      if (toHead || status == 204 || status == 304 || status == 101) {
        return head;
      }
      return readBody(in, head, true);
    }
  }

  private static Message readBody(InputStream in, Message head, boolean response) throws IOException {
    String te = head.header("Transfer-Encoding");
    if (te != null && te.toLowerCase(Locale.ROOT).endsWith("chunked")) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = readLine(in, false);
        int semi = sizeLine.indexOf(';');
        int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (size == 0) {
          return new Message(head.startLine(), head.headers(), body.toByteArray(), readFields(in), head.headLength());
        }
        body.write(readExactly(in, size));
        if (!readLine(in, false).isEmpty()) {
          throw new IOException("chunk not followed by CRLF");
        }
      }
    }
    String length = head.header("Content-Length");
    if (length != null) {
      byte[] body = readExactly(in, Integer.parseInt(length.trim()));
      return new Message(head.startLine(), head.headers(), body, List.of(), head.headLength());
    }
    byte[] rest = response ? in.readAllBytes() : new byte[0]; // a response may end at close
    return new Message(head.startLine(), head.headers(), rest, List.of(), head.headLength());
  }

  public static byte[] readExactly(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new EOFException("stream ended after " + b.length + " of " + n + " bytes");
    }
    return b;
  }

  private static List<String[]> readFields(InputStream in) throws IOException {
    List<String[]> fields = new ArrayList<>();
    String line;
    while (!(line = readLine(in, false)).isEmpty()) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("bad header line: " + line);
      }
      fields.add(new String[] {line.substring(0, colon), line.substring(colon + 1).trim()});
    }
    return fields;
  }

  /** A CRLF-terminated line; null at end of stream only when {@code eofAllowed} and nothing read. */
  private static String readLine(InputStream in, boolean eofAllowed) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int n = sb.length();
        if (n == 0 || sb.charAt(n - 1) != '\r') {
          throw new IOException("bare LF in: " + sb);
        }
        return sb.substring(0, n - 1);
      }
      sb.append((char) c);
    }
    if (eofAllowed && sb.length() == 0) {
      return null;
    }
    throw new EOFException("stream ended inside a line: " + sb);
  }
}
