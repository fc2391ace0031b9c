package io.stickypool.operator.endpoints;

import java.util.Objects;

/**
 * Which backend port to route to, as a StickyPool names it: a port name looked up in each
 * EndpointSlice's {@code ports}, or a number used as is. Exactly one of the two is set. Immutable.
 *
 * <p>A name is the robust choice: EndpointSlice ports are the pods' target ports, which may differ
 * from the Service port and may even differ between pods of a rolling update.
 */
public record PortRef(String name, int number) {
  public PortRef {
    if (name != null && !name.isEmpty() && name.isBlank()) {
      throw new IllegalArgumentException("port name must not be blank");
    }
    if (name == null && (number < 1 || number > 65535)) {
      throw new IllegalArgumentException("port number " + number + " is not 1..65535");
    }
    if (name != null && number != 0) {
      throw new IllegalArgumentException("a port reference is a name or a number, not both");
    }
  }

  public static PortRef named(String name) {
    return new PortRef(Objects.requireNonNull(name, "port name"), 0);
  }

  /**
   * The one port of a single-port Service whose port has no name: its EndpointSlices list that
   * port with an empty (or absent) name.
   */
  public static PortRef unnamed() {
    return new PortRef("", 0);
  }

  public static PortRef number(int number) {
    return new PortRef(null, number);
  }

  public boolean isNamed() {
    return name != null;
  }

  @Override
  public String toString() {
    if (isNamed()) {
      return name.isEmpty() ? "(unnamed)" : name;
    }
    return Integer.toString(number);
  }
}
