package io.stickypool.core.snapshot;

/** What a request is made sticky by. */
public enum AffinityType {
  /** A signed cookie the proxy inserts; new sessions go to the least-loaded backend. */
  COOKIE,
  /** The value of a request header, hashed onto the ring. */
  HEADER,
  /** The client address (optionally from X-Forwarded-For behind trusted proxies), hashed. */
  CLIENT_IP,
  /** The value of a cookie the application sets itself (such as JSESSIONID), hashed. */
  APP_COOKIE
}
