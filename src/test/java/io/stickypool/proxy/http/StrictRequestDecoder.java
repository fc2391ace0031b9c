package io.stickypool.proxy.http;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * The request decoder with request smuggling closed off: a request that carries both
 * Transfer-Encoding and Content-Length is refused (RFC 9112 6.3 says it "ought to be handled as an
 * error"), where Netty would otherwise drop the Content-Length and carry on. Duplicate differing
 * Content-Length values and bad chunk sizes are already decode failures in Netty.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
  StrictRequestDecoder(ProxySettings settings) {
    super(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(settings.maxInitialLineLength())
            .setMaxHeaderSize(settings.maxHeaderSize())
            .setMaxChunkSize(16 * 1024)
            .setAllowDuplicateContentLengths(false)
            .setAllowPartialChunks(true)
            .setValidateHeaders(true)
            .setStrictLineParsing(true));
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    throw new SmugglingException("both Transfer-Encoding and Content-Length are present");
  }

  /** A framing conflict in the request; the decoder turns it into a failed decoder result. */
  static final class SmugglingException extends IllegalArgumentException {
    SmugglingException(String message) {
      super(message);
    }
  }
}
