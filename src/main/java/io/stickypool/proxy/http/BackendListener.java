package io.stickypool.proxy.http;

import io.netty.handler.codec.http.HttpObject;

/** What a backend connection reports to the exchange currently using it. Event-loop confined. */
interface BackendListener {
  void onResponseObject(HttpObject msg);

  void onBackendReadComplete();

  void onBackendClosed();

  void onBackendError(Throwable cause);

  void onBackendWritabilityChanged(boolean writable);
}
