package io.stickypool.proxy.routing;

import java.util.List;

/**
 * What a router may read of a request head: implemented by the HTTP engine over the head's bytes,
 * valid only during {@link RequestRouter#route} and {@link RequestRouter#reroute}. Names compare
 * ignoring ASCII case.
 */
public interface RequestFields {
  /** The value of the first field named {@code name}, or null. */
  String first(CharSequence name);

  /** The values of every field named {@code name}, in order (allocates: for the rare modes only). */
  List<String> all(CharSequence name);

  /**
   * The value of the first cookie named {@code name} in the Cookie fields (surrounding quotes
   * removed), or null. A view over the head's bytes, valid until the next call: the affinity
   * cookie is read without a String per cookie.
   */
  CharSequence cookie(CharSequence name);
}
