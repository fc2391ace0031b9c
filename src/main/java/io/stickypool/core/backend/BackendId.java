package io.stickypool.core.backend;

import java.util.Objects;

/**
 * Stable identity of one backend: a pod name or UID, or an EndpointSlice {@code targetRef}; never an
 * IP address or a list position. Placement hashes on it, cookies carry an opaque token derived from
 * it, and two proxies that see the same ids route the same way whatever order they learn them in.
 *
 * <p>Immutable and thread-safe.
 */
public final class BackendId implements Comparable<BackendId> {
  /** Longest id accepted: a DNS subdomain name, the longest Kubernetes object name. */
  public static final int MAX_LENGTH = 253;

  private final String value;

  private BackendId(String value) {
    this.value = value;
  }

  /**
   * Parses an id.
   *
   * @throws IllegalArgumentException if the value is empty, too long, or has characters outside
   *     printable ASCII without spaces (ids end up in headers, metrics labels and logs)
   */
  public static BackendId of(String value) {
    Objects.requireNonNull(value, "backend id");
    if (value.isEmpty() || value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "backend id must be 1.." + MAX_LENGTH + " characters, got " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= ' ' || c > '~' || c == '"' || c == ',' || c == ';' || c == '\\') {
        throw new IllegalArgumentException(
            "backend id '" + value + "' has a character not allowed at index " + i);
      }
    }
    return new BackendId(value);
  }

  public String value() {
    return value;
  }

  @Override
  public int compareTo(BackendId other) {
    return value.compareTo(other.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BackendId && ((BackendId) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
