package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The proxy's own short responses (errors it answers itself instead of a backend), written as
 * bytes: the client side has no HTTP encoder, backend responses go out as their own bytes.
 */
final class ErrorResponses {
  private static final byte[] CONTINUE = Ascii.bytes("HTTP/1.1 100 Continue\r\n\r\n");

  private ErrorResponses() {}

  /**
   * @param close the connection closes after it
   * @param headRequest the request was HEAD: the head says how long the body would be, none follows
   */
  static ByteBuf build(ByteBufAllocator alloc, HttpResponseStatus status, String detail, boolean close,
      boolean headRequest) {
    String body = status.code() + " " + status.reasonPhrase() + ": " + detail + "\n";
    int length = ByteBufUtil.utf8Bytes(body);
    StringBuilder head = new StringBuilder(160)
        .append("HTTP/1.1 ").append(status.code()).append(' ').append(status.reasonPhrase())
        .append("\r\ncontent-type: text/plain\r\ncontent-length: ").append(length)
        .append("\r\ncache-control: no-store\r\n");
    if (status.code() == HttpResponseStatus.SERVICE_UNAVAILABLE.code()) {
      head.append("retry-after: 1\r\n");
    }
    if (close) {
      head.append("connection: close\r\n");
    }
    head.append("\r\n");
    ByteBuf out = alloc.ioBuffer(head.length() + length);
    ByteBufUtil.writeAscii(out, head);
    if (!headRequest) {
      ByteBufUtil.writeUtf8(out, body);
    }
    return out;
  }

  /** The interim answer to {@code Expect: 100-continue}, sent once the backend is connected. */
  static ByteBuf continueResponse(ByteBufAllocator alloc) {
    return alloc.ioBuffer(CONTINUE.length).writeBytes(CONTINUE);
  }
}
