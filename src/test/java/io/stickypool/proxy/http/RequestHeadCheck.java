package io.stickypool.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * The checks a decoded request head must pass before anything of it reaches a backend, so that the
 * proxy and the backend cannot read one message two ways (RFC 9112 3.2, 3.3, 6.1): one valid Host,
 * a request target in a form a reverse proxy serves, a framing the proxy understands exactly, and a
 * bounded number of header fields. An absolute-form target is rewritten to origin-form with its
 * authority as Host, as RFC 9112 3.2.2 tells a proxy to do, so both sides agree on the host.
 *
 * <p>Stateless; {@link #check} may change the request it accepts (the absolute-form rewrite).
 */
final class RequestHeadCheck {
  private final int maxHeaderCount;

  RequestHeadCheck(int maxHeaderCount) {
    this.maxHeaderCount = maxHeaderCount;
  }

  /** Why a request head was refused: the status to answer and a line saying why. */
  record Rejection(HttpResponseStatus status, String detail) {}

  /** Null when the request may be forwarded (possibly rewritten), else why it may not. */
  Rejection check(HttpRequest request) {
    HttpHeaders h = request.headers();
    if (h.size() > maxHeaderCount) {
      return new Rejection(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          "more than " + maxHeaderCount + " header fields");
    }
    Rejection framing = checkFraming(request);
    if (framing != null) {
      return framing;
    }
    if (hasUnsupportedExpectation(request)) {
      return new Rejection(HttpResponseStatus.EXPECTATION_FAILED, "only Expect: 100-continue is supported");
    }
    Rejection target = checkTarget(request);
    if (target != null) {
      return target;
    }
    return checkHost(request);
  }

  /** RFC 9110 10.1.1: 100-continue is the only expectation defined; HTTP/1.0 ones are ignored. */
  private static boolean hasUnsupportedExpectation(HttpRequest request) {
    String expect = request.headers().get(HttpHeaderNames.EXPECT);
    return expect != null
        && !request.protocolVersion().equals(HttpVersion.HTTP_1_0)
        && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.trim());
  }

  /**
   * Chunked is the only transfer coding the proxy decodes, so any other (or "chunked" twice, or
   * not last) would let the backend find a different end of the body than the proxy did.
   */
  private static Rejection checkFraming(HttpRequest request) {
    List<String> codings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (codings.isEmpty()) {
      return null;
    }
    if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
      return bad("Transfer-Encoding in an HTTP/1.0 request");
    }
    int tokens = 0;
    for (String value : codings) {
      for (String token : value.split(",", -1)) {
        tokens++;
        if (!token.trim().equalsIgnoreCase("chunked")) {
          return new Rejection(HttpResponseStatus.NOT_IMPLEMENTED,
              "transfer coding '" + token.trim() + "' is not supported; only chunked is");
        }
      }
    }
    return tokens == 1 ? null : bad("chunked applied more than once");
  }

  private static Rejection checkTarget(HttpRequest request) {
    String uri = request.uri();
    if (request.method().equals(HttpMethod.CONNECT)) {
      return new Rejection(HttpResponseStatus.METHOD_NOT_ALLOWED, "CONNECT is not served by a reverse proxy");
    }
    if (uri.startsWith("/")) {
      return null;
    }
    if (uri.equals("*")) {
      return request.method().equals(HttpMethod.OPTIONS) ? null : bad("'*' is a target for OPTIONS only");
    }
    return rewriteAbsoluteForm(request, uri);
  }

  /** {@code http://authority/path?q} becomes {@code /path?q} with {@code Host: authority}. */
  private static Rejection rewriteAbsoluteForm(HttpRequest request, String uri) {
    int schemeEnd = uri.indexOf("://");
    String scheme = schemeEnd < 0 ? "" : uri.substring(0, schemeEnd);
    if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
      return bad("request target must be a path or an http(s) URI");
    }
    int authorityStart = schemeEnd + 3;
    int pathStart = authorityStart;
    while (pathStart < uri.length() && "/?#".indexOf(uri.charAt(pathStart)) < 0) {
      pathStart++;
    }
    String authority = uri.substring(authorityStart, pathStart);
    if (authority.isEmpty() || authority.indexOf('@') >= 0 || !HostField.isValid(authority)) {
      return bad("invalid authority in request target");
    }
    String rest = uri.substring(pathStart);
    if (rest.startsWith("#")) {
      rest = "";
    }
    request.setUri(rest.startsWith("/") ? rest : "/" + rest);
    request.headers().set(HttpHeaderNames.HOST, authority);
    return null;
  }

  private static Rejection checkHost(HttpRequest request) {
    List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1) {
      return bad("more than one Host header");
    }
    if (hosts.isEmpty()) {
      return request.protocolVersion().equals(HttpVersion.HTTP_1_0) ? null : bad("missing Host header");
    }
    return HostField.isValid(hosts.get(0)) ? null : bad("invalid Host header");
  }

  private static Rejection bad(String detail) {
    return new Rejection(HttpResponseStatus.BAD_REQUEST, detail);
  }
}
