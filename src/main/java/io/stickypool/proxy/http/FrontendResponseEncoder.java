package io.stickypool.proxy.http;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Response encoder that knows when the response belongs to a HEAD request, so it never writes a
 * body (or a chunked terminator) for it. HttpServerCodec tracks this itself, but we pair Netty's
 * encoder with our own {@link StrictRequestDecoder}, so the frontend handler tells it instead; one
 * flag is enough because the proxy runs one exchange per connection at a time.
 */
final class FrontendResponseEncoder extends HttpResponseEncoder {
  private boolean headRequest;

  void currentRequestIsHead(boolean head) {
    this.headRequest = head;
  }

  @Override
  protected boolean isContentAlwaysEmpty(HttpResponse msg) {
    return headRequest || super.isContentAlwaysEmpty(msg);
  }
}
