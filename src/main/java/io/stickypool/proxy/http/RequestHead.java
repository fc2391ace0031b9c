package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;
import io.stickypool.proxy.routing.RequestFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/**
 * A client's request head read straight from the bytes: the request line, where each header line
 * lies, and what routing and safety need (Host, Cookie, framing, Connection / Upgrade, Expect),
 * without a header map or a String per field. It replaced Netty's decoder (StrictRequestDecoder)
 * plus RequestHeadCheck, now test code, and refuses what they refuse with the same status
 * (RequestHeadDifferentialTest checks it): 400 for a malformed line or framing conflict, 414 for a
 * request line longer than the limit, 431 for too large or too many header fields, 501 for a
 * transfer coding other than chunked, 417 for an expectation other than 100-continue, 405 for
 * CONNECT. An absolute-form target is read as origin-form with its authority as the host (RFC 9112
 * 3.2.2), exactly as RequestHeadCheck rewrites it.
 *
 * <p>It is stricter than Netty's decoder where the decoder is lenient about the request line or
 * folds lines (RFC 9112 3, 5.2): one SP between the three parts, a target of visible ASCII, the
 * version HTTP/1.0 or HTTP/1.1, no obs-fold, a single Content-Length field in HTTP/1.0 too. Those
 * are answered 400 (the test counts them).
 *
 * <p>Once {@link #parse} accepted a head, {@link #hold} keeps its bytes (a retained duplicate of the
 * buffer, same indices) until {@link #release}, which hands the instance back to the connection's
 * spares: one head per request in flight, none allocated per request. Event-loop confined.
 */
final class RequestHead implements RequestFields {
  static final byte OTHER = 0;
  static final byte HOST = 1;
  static final byte COOKIE = 2;
  static final byte CONTENT_LENGTH = 3;
  static final byte TRANSFER_ENCODING = 4;
  static final byte CONNECTION = 5;
  static final byte UPGRADE = 6;
  static final byte EXPECT = 7;
  static final byte HOP_BY_HOP = 8;
  static final byte TE = 9;
  static final byte X_FORWARDED_FOR = 10;
  static final byte X_FORWARDED_PROTO = 11;
  static final byte X_FORWARDED_HOST = 12;
  static final byte FORWARDED = 13;

  private static final byte[] CONNECT = Ascii.bytes("CONNECT");
  private static final byte[] OPTIONS = Ascii.bytes("OPTIONS");
  private static final byte[] GET = Ascii.bytes("GET");
  private static final byte[] HTTP = Ascii.bytes("http");
  private static final byte[] HTTPS = Ascii.bytes("https");
  private static final byte[] CONTINUE = Ascii.bytes("100-continue");
  private static final byte[] CLOSE = Ascii.bytes("close");
  private static final byte[] KEEP_ALIVE = Ascii.bytes("keep-alive");
  private static final byte[] UPGRADE_TOKEN = Ascii.bytes("upgrade");
  private static final byte[] HOST_NAME = Ascii.bytes("host");
  private static final byte[] COOKIE_NAME = Ascii.bytes("cookie");
  private static final byte[] EXPECT_NAME = Ascii.bytes("expect");
  private static final byte[] TE_NAME = Ascii.bytes("te");
  private static final byte[] PROXY_ = Ascii.bytes("proxy-");
  private static final byte[] XFF_NAME = Ascii.bytes("x-forwarded-for");
  private static final byte[] XFP_NAME = Ascii.bytes("x-forwarded-proto");
  private static final byte[] XFH_NAME = Ascii.bytes("x-forwarded-host");
  private static final byte[] FORWARDED_NAME = Ascii.bytes("forwarded");

  /**
   * How the details of refusals start where Netty's decoder was lenient and this reader is not (a
   * request line not of the form {@code method SP target SP HTTP/1.x}, obs-fold): such a request
   * was forwarded before, or refused for some other reason.
   */
  static final String STRICTER = "not in the strict form: ";

  private final int maxLineLength;
  private final int maxHeaderSize;
  private final int maxHeaderCount;
  private final ByteRange range = new ByteRange();
  private final ByteRange cookieValue = new ByteRange();
  private Queue<RequestHead> home;
  private ByteBuf held;
  private boolean hostInTarget;

  private ByteBuf buf;
  private int methodEnd;
  private int lineStart;
  private int targetStart;
  private int targetEnd;
  private boolean targetNeedsSlash;
  private int versionMinor;
  private int hostStart;
  private int hostEnd;
  private final FieldLines lines = new FieldLines();
  private long contentLength;
  private int contentLengthFields;
  private int transferEncodingFields;
  private boolean onlyChunked;
  private int firstExpect;
  private int hosts;
  private boolean connectionClose;
  private boolean connectionKeepAlive;
  private boolean connectionUpgrade;
  private boolean upgradeWebSocket;
  private int status;
  private int headEnd;
  private String detail;

  RequestHead(ProxySettings settings) {
    this.maxLineLength = settings.maxInitialLineLength();
    this.maxHeaderSize = settings.maxHeaderSize();
    this.maxHeaderCount = settings.maxHeaderCount();
  }

  /** What {@link #parse} returns while the head is not complete and nothing is wrong with it yet. */
  static final int NEED_MORE = -1;

  /**
   * Reads the head starting at {@code from} from the bytes in {@code buf[from, to)}, which need not
   * hold all of it yet. Returns 0 when the whole head is there and the request may be forwarded
   * ({@link #end()} is where its body starts), {@link #NEED_MORE} when the head is not complete and
   * nothing read so far is wrong, else the status to refuse it with ({@link #detail()} says why;
   * the connection must then close). Like Netty's decoder, it refuses a line as soon as it is
   * complete, and a line longer than its limit before its end has come.
   */
  int parse(ByteBuf buf, int from, int to) {
    reset(buf);
    int skipped = from;
    while (from < to && (buf.getByte(from) == '\r' || buf.getByte(from) == '\n')) {
      from++; // RFC 9112 2.2: empty lines before a request line are ignored
    }
    if (from - skipped >= maxLineLength && to - skipped > maxLineLength) {
      return fail(414, "request line too long");
    }
    if (from < to && isControl(buf.getByte(from))) {
      return bad("control character before the request line");
    }
    // Netty looks for the end of a line only as far as the limit allows (and CR LF), then refuses
    int lf = buf.indexOf(from, (int) Math.min(to, from + maxLineLength + 2L), (byte) '\n');
    if (lf < 0) {
      return to - from > maxLineLength ? fail(414, "request line too long") : NEED_MORE;
    }
    int end = contentEnd(from, lf);
    if (end < 0) {
      return bad("malformed request line");
    }
    if (end - from > maxLineLength) {
      return fail(414, "request line too long");
    }
    if (!parseRequestLine(from, end)) {
      return status;
    }
    int size = 0;
    String pending = null; // Netty validates a field only when the next line has been read
    int line = lf + 1;
    while (true) {
      lf = buf.indexOf(line, (int) Math.min(to, line + (maxHeaderSize - size) + 2L), (byte) '\n');
      if (lf < 0) {
        return to - line > maxHeaderSize - size ? fail(431, "request headers too large") : NEED_MORE;
      }
      end = contentEnd(line, lf);
      if (end < 0) {
        return bad("malformed header line");
      }
      size += end - line;
      if (size > maxHeaderSize) {
        return fail(431, "request headers too large");
      }
      if (pending != null) {
        return bad(pending);
      }
      if (end == line) {
        break;
      }
      if (Ascii.isWhitespace(buf.getByte(line))) {
        return bad(STRICTER + "obs-fold or whitespace before a field name");
      }
      int colon = buf.indexOf(line, end, (byte) ':');
      if (colon < 0) {
        return bad("no colon in a header line");
      }
      pending = parseField(line, colon, end, lf + 1);
      if (status != 0) {
        return status;
      }
      line = lf + 1;
    }
    headEnd = lf + 1;
    return understand() ? 0 : status;
  }

  /** The end of a line's content, before its CR LF; -1 when it has no LF or ends in a bare LF. */
  private int contentEnd(int start, int lf) {
    return lf < start || lf == start || buf.getByte(lf - 1) != '\r' ? -1 : lf - 1;
  }

  private boolean parseRequestLine(int from, int end) {
    lineStart = from;
    int sp1 = buf.indexOf(from, end, (byte) ' ');
    int sp2 = sp1 < 0 ? -1 : buf.indexOf(sp1 + 1, end, (byte) ' ');
    if (sp1 <= from || sp2 <= sp1 + 1 || end - sp2 != 9 || !Ascii.startsWith(buf, sp2 + 1, Ascii.HTTP_1_)) {
      return bad(STRICTER + "malformed request line") == 0;
    }
    byte minor = buf.getByte(end - 1);
    if (minor != '0' && minor != '1') {
      return bad(STRICTER + "unsupported HTTP version") == 0;
    }
    for (int i = from; i < sp1; i++) {
      if (!Ascii.isTokenChar(buf.getByte(i))) {
        return bad(STRICTER + "invalid method") == 0;
      }
    }
    for (int i = sp1 + 1; i < sp2; i++) {
      int b = buf.getByte(i) & 0xff;
      if (b <= ' ' || b >= 0x7f) { // RFC 9112 3.2: visible ASCII only
        return bad(STRICTER + "invalid request target") == 0;
      }
    }
    versionMinor = minor - '0';
    methodEnd = sp1;
    targetStart = sp1 + 1;
    targetEnd = sp2;
    return true;
  }

  /** Records one field line; returns why it is invalid (reported after the next line), or null. */
  private String parseField(int start, int colon, int end, int next) {
    int vs = colon + 1;
    while (vs < end && Ascii.isWhitespace(buf.getByte(vs))) {
      vs++;
    }
    if (vs < end && isOtherWhitespace(buf.getByte(vs))) {
      bad("invalid whitespace in a header value");
      return null;
    }
    int ve = Ascii.trimWhitespace(buf, vs, end);
    lines.add(start, colon, vs, ve, next, kindOf(start, colon), true);
    if (colon == start) {
      return "empty header name";
    }
    for (int j = start; j < colon; j++) {
      if (!Ascii.isTokenChar(buf.getByte(j))) {
        return "invalid header name"; // also whitespace before the colon, and obs-fold
      }
    }
    return Ascii.isFieldText(buf, vs, ve) ? null : "control character in a header value";
  }

  /** Character.isISOControl over a byte: C0, DEL and C1. */
  private static boolean isControl(byte b) {
    int c = b & 0xff;
    return c < 0x20 || (c >= 0x7f && c <= 0x9f);
  }

  /** Character.isWhitespace other than SP and HTAB, which Netty refuses at the start of a value. */
  private static boolean isOtherWhitespace(byte b) {
    return (b >= 0x0a && b <= 0x0d) || (b >= 0x1c && b <= 0x1f);
  }

  private byte kindOf(int from, int to) {
    if (to - from > PROXY_.length && Ascii.equalsIgnoreCase(buf, from, from + PROXY_.length, PROXY_)) {
      return HOP_BY_HOP; // Proxy-Connection, Proxy-Authorization...: meant for this hop
    }
    switch (to - from) {
      case 2:
        return Ascii.equalsIgnoreCase(buf, from, to, TE_NAME) ? TE : OTHER;
      case 9:
        return Ascii.equalsIgnoreCase(buf, from, to, FORWARDED_NAME) ? FORWARDED : OTHER;
      case 15:
        return Ascii.equalsIgnoreCase(buf, from, to, XFF_NAME) ? X_FORWARDED_FOR : OTHER;
      case 16:
        if (Ascii.equalsIgnoreCase(buf, from, to, XFH_NAME)) {
          return X_FORWARDED_HOST;
        }
        break;
      case 17:
        if (Ascii.equalsIgnoreCase(buf, from, to, XFP_NAME)) {
          return X_FORWARDED_PROTO;
        }
        break;
      default:
        break;
    }
    switch (to - from) {
      case 4:
        return Ascii.equalsIgnoreCase(buf, from, to, HOST_NAME) ? HOST : OTHER;
      case 6:
        if (Ascii.equalsIgnoreCase(buf, from, to, COOKIE_NAME)) {
          return COOKIE;
        }
        return Ascii.equalsIgnoreCase(buf, from, to, EXPECT_NAME) ? EXPECT : OTHER;
      default:
        byte k = HeaderKinds.of(buf, from, to);
        switch (k) {
          case ResponseHead.CONNECTION:
            return CONNECTION;
          case ResponseHead.UPGRADE:
            return UPGRADE;
          case ResponseHead.TRANSFER_ENCODING:
            return TRANSFER_ENCODING;
          case ResponseHead.CONTENT_LENGTH:
            return CONTENT_LENGTH;
          case ResponseHead.HOP_BY_HOP:
            return HOP_BY_HOP;
          default:
            return OTHER;
        }
    }
  }

  /** The framing, count, expectation, target and host rules, in the order the old path applied them. */
  private boolean understand() {
    for (int i = 0; i < lines.count(); i++) {
      switch (lines.kind(i)) {
        case CONTENT_LENGTH:
          if (++contentLengthFields > 1) {
            return bad("more than one Content-Length") == 0;
          }
          contentLength = Ascii.parseLength(buf, lines.valueStart(i), lines.valueEnd(i));
          if (contentLength < 0) {
            return bad("invalid Content-Length") == 0;
          }
          break;
        case TRANSFER_ENCODING:
          transferEncodingFields++;
          break;
        case CONNECTION:
          connectionClose |= Ascii.hasToken(buf, lines.valueStart(i), lines.valueEnd(i), CLOSE);
          connectionKeepAlive |= Ascii.hasToken(buf, lines.valueStart(i), lines.valueEnd(i), KEEP_ALIVE);
          connectionUpgrade |= Ascii.hasToken(buf, lines.valueStart(i), lines.valueEnd(i), UPGRADE_TOKEN);
          break;
        case UPGRADE:
          upgradeWebSocket |= Ascii.hasToken(buf, lines.valueStart(i), lines.valueEnd(i), Ascii.WEBSOCKET);
          break;
        case EXPECT:
          firstExpect = firstExpect < 0 ? i : firstExpect;
          break;
        case HOST:
          hosts++;
          hostStart = lines.valueStart(i);
          hostEnd = lines.valueEnd(i);
          break;
        default:
          break;
      }
    }
    if (transferEncodingFields > 0 && !framingIsClear()) {
      return false;
    }
    if (lines.count() > maxHeaderCount) {
      return fail(431, "more than " + maxHeaderCount + " header fields") == 0;
    }
    if (transferEncodingFields > 0 && !onlyChunked) {
      return fail(501, "transfer coding is not supported; only chunked is") == 0;
    }
    if (firstExpect >= 0 && versionMinor == 1
        && !Ascii.equalsIgnoreCase(buf, lines.valueStart(firstExpect), lines.valueEnd(firstExpect), CONTINUE)) {
      return fail(417, "only Expect: 100-continue is supported") == 0;
    }
    return checkTarget() && checkHost();
  }

  /**
   * Reads the transfer codings of every Transfer-Encoding field once, for both rule sets: Netty's
   * decoder refuses chunked not once and last, in HTTP/1.0, or beside a length (400), and
   * RequestHeadCheck any coding but chunked, empty list elements included (501).
   */
  private boolean framingIsClear() {
    if (versionMinor == 0) {
      return bad("Transfer-Encoding in an HTTP/1.0 request") == 0;
    }
    int chunked = 0;
    boolean lastChunked = false;
    boolean others = false;
    for (int i = 0; i < lines.count(); i++) {
      if (lines.kind(i) != TRANSFER_ENCODING) {
        continue;
      }
      int start = lines.valueStart(i);
      while (start <= lines.valueEnd(i)) {
        int comma = buf.indexOf(start, lines.valueEnd(i), (byte) ',');
        int end = comma < 0 ? lines.valueEnd(i) : comma;
        int s = Ascii.skipWhitespace(buf, start, end);
        boolean isChunked = Ascii.equalsIgnoreCase(buf, s, Ascii.trimWhitespace(buf, s, end), Ascii.CHUNKED);
        if (s < end) { // Netty skips empty elements
          lastChunked = isChunked;
          chunked += isChunked ? 1 : 0;
        }
        others |= !isChunked;
        start = end + 1;
      }
    }
    if (!lastChunked || chunked > 1) {
      return bad("chunked is not the last transfer coding, or comes twice") == 0;
    }
    if (contentLengthFields > 0) {
      return bad("both Transfer-Encoding and Content-Length") == 0;
    }
    onlyChunked = !others;
    return true;
  }

  private boolean checkTarget() {
    if (methodIs(CONNECT)) {
      return fail(405, "CONNECT is not served by a reverse proxy") == 0;
    }
    byte first = buf.getByte(targetStart);
    if (first == '/') {
      return true;
    }
    if (first == '*' && targetEnd - targetStart == 1) {
      return methodIs(OPTIONS) || bad("'*' is a target for OPTIONS only") == 0;
    }
    return absoluteForm();
  }

  /** {@code http://authority/path?q} is read as {@code /path?q} with {@code authority} as the host. */
  private boolean absoluteForm() {
    int colon = buf.indexOf(targetStart, targetEnd, (byte) ':');
    boolean http = colon > 0 && (Ascii.equalsIgnoreCase(buf, targetStart, colon, HTTP)
        || Ascii.equalsIgnoreCase(buf, targetStart, colon, HTTPS));
    if (!http || targetEnd - colon < 3 || buf.getByte(colon + 1) != '/' || buf.getByte(colon + 2) != '/') {
      return bad("request target must be a path or an http(s) URI") == 0;
    }
    int authority = colon + 3;
    int pathStart = authority;
    while (pathStart < targetEnd) {
      byte b = buf.getByte(pathStart);
      if (b == '/' || b == '?' || b == '#') {
        break;
      }
      pathStart++;
    }
    if (pathStart == authority || buf.indexOf(authority, pathStart, (byte) '@') >= 0
        || !HostField.isValid(range.of(buf, authority, pathStart))) {
      return bad("invalid authority in request target") == 0;
    }
    hostStart = authority;
    hostEnd = pathStart;
    hosts = 1;
    hostInTarget = true;
    targetStart = pathStart;
    if (pathStart < targetEnd && buf.getByte(pathStart) == '#') {
      targetEnd = pathStart;
    }
    targetNeedsSlash = targetStart == targetEnd || buf.getByte(targetStart) != '/';
    return true;
  }

  private boolean checkHost() {
    if (hosts > 1) {
      return bad("more than one Host header") == 0;
    }
    if (hosts == 0) {
      return versionMinor == 0 || bad("missing Host header") == 0;
    }
    return HostField.isValid(range.of(buf, hostStart, hostEnd)) || bad("invalid Host header") == 0;
  }

  boolean methodIs(byte[] name) {
    return Ascii.equals(buf, lineStart, methodEnd, name);
  }

  private void reset(ByteBuf b) {
    buf = b;
    lines.clear();
    contentLength = -1;
    contentLengthFields = 0;
    transferEncodingFields = 0;
    firstExpect = -1;
    hosts = 0;
    hostStart = 0;
    hostEnd = 0;
    targetNeedsSlash = false;
    hostInTarget = false;
    connectionClose = false;
    connectionKeepAlive = false;
    connectionUpgrade = false;
    upgradeWebSocket = false;
    status = 0;
    detail = null;
  }

  private int bad(String why) {
    return fail(400, why);
  }

  /** Records the refusal; returns the status, never 0, so callers can write {@code fail(..) == 0}. */
  private int fail(int code, String why) {
    status = code;
    detail = why;
    return code;
  }

  ByteBuf buf() {
    return buf;
  }

  /** Where the head ends (just after its empty line) and the body, if any, starts. */
  int end() {
    return headEnd;
  }

  String detail() {
    return detail;
  }

  int versionMinor() {
    return versionMinor;
  }

  int methodStart() {
    return lineStart;
  }

  int methodEnd() {
    return methodEnd;
  }

  /** The origin-form target; absolute form already cut to its path (see {@link #targetNeedsSlash}). */
  int targetStart() {
    return targetStart;
  }

  int targetEnd() {
    return targetEnd;
  }

  /** Whether a '/' goes before the target (absolute form with an empty path or only a query). */
  boolean targetNeedsSlash() {
    return targetNeedsSlash;
  }

  /** Whether there is a host (absent only in HTTP/1.0); its bytes are {@code [hostStart, hostEnd)}. */
  boolean hasHost() {
    return hosts == 1;
  }

  int hostStart() {
    return hostStart;
  }

  int hostEnd() {
    return hostEnd;
  }

  long contentLength() {
    return contentLength;
  }

  boolean chunked() {
    return transferEncodingFields > 0;
  }

  boolean keepAlive() {
    return !connectionClose && (versionMinor == 1 || connectionKeepAlive);
  }

  /**
   * Whether the request is a WebSocket opening handshake (RFC 6455 4.1: a GET, no body, Upgrade
   * naming websocket, Connection listing upgrade): the only protocol switch the proxy tunnels, as
   * ProxyHeaders.isWebSocketUpgrade decides it on the old path.
   */
  boolean isWebSocketUpgrade() {
    return upgradeWebSocket && connectionUpgrade && methodIs(GET) && transferEncodingFields == 0
        && contentLength <= 0;
  }

  /** Whether the client waits for 100 Continue (HTTP/1.1 with Expect: 100-continue). */
  boolean expectsContinue() {
    return firstExpect >= 0 && versionMinor == 1;
  }

  /** The header field lines, in order, with this class's kinds (HOST, COOKIE...). */
  FieldLines lines() {
    return lines;
  }

  /** Whether the host came from an absolute-form target: the Host field the backend gets is it. */
  boolean hostInTarget() {
    return hostInTarget;
  }

  /** Where this head goes back to on {@link #release}; set once by the reader that owns it. */
  void home(Queue<RequestHead> spares) {
    home = spares;
  }

  /** Keeps the accepted head's bytes past the read that brought them. */
  void hold() {
    held = buf.retainedDuplicate();
    buf = held;
  }

  /** Done with this request: its bytes go, and the instance back to its reader's spares. */
  void release() {
    if (held != null) {
      held.release();
      held = null;
      buf = null;
      if (home != null) {
        home.add(this);
      }
    }
  }

  @Override
  public String first(CharSequence name) {
    for (int i = 0; i < lines.count(); i++) {
      if (nameIs(i, name)) {
        return string(lines.valueStart(i), lines.valueEnd(i));
      }
    }
    return null;
  }

  @Override
  public List<String> all(CharSequence name) {
    List<String> values = new ArrayList<>(2);
    for (int i = 0; i < lines.count(); i++) {
      if (nameIs(i, name)) {
        values.add(string(lines.valueStart(i), lines.valueEnd(i)));
      }
    }
    return values;
  }

  @Override
  public CharSequence cookie(CharSequence name) {
    for (int i = 0; i < lines.count(); i++) {
      if (lines.kind(i) == COOKIE) {
        int vs = lines.valueStart(i);
        int ve = lines.valueEnd(i);
        int pair = CookiePairs.find(buf, vs, ve, name);
        if (pair >= 0) {
          return CookiePairs.value(cookieValue, buf, pair + name.length() + 1, ve);
        }
      }
    }
    return null;
  }

  /** Whether field line {@code i} is named {@code name}, ignoring ASCII case. */
  boolean nameIs(int i, CharSequence name) {
    return Ascii.equalsIgnoreCase(buf, lines.lineStart(i), lines.nameEnd(i), name);
  }

  private String string(int from, int to) {
    return buf.toString(from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** A reusable CharSequence view of a byte range, for the String-free grammar checks. */
  static final class ByteRange implements CharSequence {
    private ByteBuf buf;
    private int from;
    private int to;

    ByteRange of(ByteBuf b, int start, int end) {
      buf = b;
      from = start;
      to = end;
      return this;
    }

    @Override
    public int length() {
      return to - from;
    }

    @Override
    public char charAt(int index) {
      return (char) (buf.getByte(from + index) & 0xff);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new ByteRange().of(buf, from + start, from + end);
    }

    @Override
    public String toString() {
      return buf.toString(from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }
}
