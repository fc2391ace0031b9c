package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;

/** What a backend connection reports to the exchange currently using it. Event-loop confined. */
interface BackendListener {
  /** A whole response head (1xx ones included); valid only during the call. */
  void onResponseHead(ResponseHead head);

  /** The next bytes of the response body (ownership passes on); {@code last} ends the response. */
  void onResponseBody(ByteBuf part, boolean last);

  /** What the backend sent is not a response the proxy can pass on. */
  void onResponseBroken(String why);

  void onBackendReadComplete();

  void onBackendClosed();

  void onBackendError(Throwable cause);

  void onBackendWritabilityChanged(boolean writable);
}
