package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.stickypool.proxy.routing.ProxyRoute;
import io.stickypool.proxy.routing.RequestDecoration;

/**
 * Writes the request head the backend gets, as bytes: the client's own lines copied in runs as
 * they came, minus the hop-by-hop fields (RFC 9110 7.6.1: Connection and the fields it names,
 * Keep-Alive, Proxy-*, Trailer, TE but for {@code TE: trailers}, Upgrade unless the request is a
 * WebSocket handshake) and Expect (the proxy answered it), with the proxy's cookie cut out of
 * Cookie, the forwarding fields of {@link ForwardingFields}, what the route sets, and the request
 * line always HTTP/1.1.
 *
 * <p>One per client connection, reused; event-loop confined.
 */
final class RequestShaper implements RequestDecoration {
  private static final byte[] HTTP_11_LINE = Ascii.bytes(" HTTP/1.1\r\n");
  private static final byte[] COLON = Ascii.bytes(": ");
  private static final byte[] HOST_LINE = Ascii.bytes("host: ");
  private static final byte[] UPGRADE_LINES = Ascii.bytes("connection: upgrade\r\nupgrade: websocket\r\n");
  private static final byte[] TE_TRAILERS = Ascii.bytes("te: trailers\r\n");
  private static final byte[] TRAILERS = Ascii.bytes("trailers");

  private final ForwardingFields forwarding = new ForwardingFields();
  private boolean[] dropped = new boolean[32];
  private CharSequence cookieName;
  /** Whether some Cookie line has the proxy's cookie: those lines are rewritten, empty ones go. */
  private boolean cutCookies;
  private CharSequence setName;
  private CharSequence setValue;
  private ByteBuf out;

  /** The head for the backend; {@code upgrade} when it is a WebSocket handshake to pass on. */
  ByteBuf shape(ByteBufAllocator alloc, RequestHead head, ProxyRoute route, ProxyHeaders.ClientAddress client,
      boolean upgrade) {
    cookieName = null;
    setName = null;
    setValue = null;
    route.decorateRequest(this);
    markDropped(head);
    forwarding.plan(head, dropped, route.trustsProxy(client.socket.getAddress()));
    out = alloc.ioBuffer(head.end() - head.methodStart() + 256);
    writeRequestLine(head);
    copyFields(head);
    writeAdded(head, client, upgrade);
    ByteBuf shaped = out.writeBytes(Ascii.CRLF);
    out = null; // only ASCII writes to a growing buffer above: nothing to release on the way
    return shaped;
  }

  /** After {@link #shape}: whether the client's scheme is https (see {@link ForwardingFields}). */
  boolean clientHttps(ProxyHeaders.ClientAddress client) {
    return forwarding.clientHttps(client);
  }

  private void writeRequestLine(RequestHead head) {
    ByteBuf in = head.buf();
    out.writeBytes(in, head.methodStart(), head.methodEnd() - head.methodStart()).writeByte(' ');
    if (head.targetNeedsSlash()) {
      out.writeByte('/');
    }
    out.writeBytes(in, head.targetStart(), head.targetEnd() - head.targetStart()).writeBytes(HTTP_11_LINE);
  }

  /** The lines the proxy writes itself, after the client's. */
  private void writeAdded(RequestHead head, ProxyHeaders.ClientAddress client, boolean upgrade) {
    if (head.hostInTarget()) {
      out.writeBytes(HOST_LINE).writeBytes(head.buf(), head.hostStart(), head.hostEnd() - head.hostStart())
          .writeBytes(Ascii.CRLF);
    }
    if (upgrade) {
      out.writeBytes(UPGRADE_LINES);
    }
    forwarding.write(head, client, out);
    if (setValue != null) {
      addLine(setName, setValue);
    }
  }

  @Override
  public void removeCookie(CharSequence name) {
    cookieName = name;
  }

  @Override
  public void setHeader(CharSequence name, CharSequence value) {
    setName = name;
    setValue = value;
  }

  /** Which lines do not go on as they came (the Cookie lines that lose a pair are rewritten). */
  private void markDropped(RequestHead head) {
    FieldLines lines = head.lines();
    if (dropped.length < lines.count()) {
      dropped = new boolean[lines.count() * 2];
    }
    boolean listing = false;
    cutCookies = false;
    for (int i = 0; i < lines.count(); i++) {
      byte kind = lines.kind(i);
      listing |= kind == RequestHead.CONNECTION;
      cutCookies |= cookieName != null && kind == RequestHead.COOKIE
          && CookiePairs.find(head.buf(), lines.valueStart(i), lines.valueEnd(i), cookieName) >= 0;
      dropped[i] = switch (kind) {
        case RequestHead.CONNECTION, RequestHead.UPGRADE, RequestHead.EXPECT, RequestHead.HOP_BY_HOP,
            RequestHead.TE -> true;
        case RequestHead.HOST -> head.hostInTarget();
        default -> setName != null && head.nameIs(i, setName);
      };
    }
    if (listing) {
      ConnectionListing.dropListed(head, dropped);
    }
  }

  /** Copies the kept lines; consecutive verbatim lines go in one copy. */
  private void copyFields(RequestHead head) {
    ByteBuf in = head.buf();
    FieldLines lines = head.lines();
    int runStart = -1;
    int runEnd = -1;
    boolean trailers = false;
    for (int i = 0; i < lines.count(); i++) {
      boolean asItCame = !dropped[i] && !(cutCookies && lines.kind(i) == RequestHead.COOKIE);
      if (asItCame) {
        runStart = runStart < 0 ? lines.lineStart(i) : runStart;
        runEnd = lines.lineEnd(i);
        continue;
      }
      if (runStart >= 0) {
        out.writeBytes(in, runStart, runEnd - runStart);
        runStart = -1;
      }
      if (!dropped[i]) {
        writeCookieWithout(head, i);
      } else if (!trailers && lines.kind(i) == RequestHead.TE
          && Ascii.hasToken(in, lines.valueStart(i), lines.valueEnd(i), TRAILERS)) {
        trailers = true; // the one TE value a proxy passes on (RFC 9110 10.1.4)
        out.writeBytes(TE_TRAILERS);
      }
    }
    if (runStart >= 0) {
      out.writeBytes(in, runStart, runEnd - runStart);
    }
  }

  private void writeCookieWithout(RequestHead head, int i) {
    ByteBuf in = head.buf();
    FieldLines lines = head.lines();
    int mark = out.writerIndex();
    out.writeBytes(in, lines.lineStart(i), lines.nameEnd(i) - lines.lineStart(i)).writeBytes(COLON);
    if (CookiePairs.writeWithout(in, lines.valueStart(i), lines.valueEnd(i), cookieName, out)) {
      out.writeBytes(Ascii.CRLF);
    } else {
      out.writerIndex(mark); // nothing else was in it: the field goes
    }
  }

  private void addLine(CharSequence name, CharSequence value) {
    ByteBufUtil.writeAscii(out, name);
    out.writeBytes(COLON);
    ByteBufUtil.writeAscii(out, value);
    out.writeBytes(Ascii.CRLF);
  }
}
