package io.stickypool.cli;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import java.net.InetSocketAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code --backend ID=HOST:PORT[@WEIGHT]}. */
final class BackendOption implements ITypeConverter<Backend> {
  @Override
  public Backend convert(String value) {
    int eq = value.indexOf('=');
    if (eq <= 0) {
      throw new TypeConversionException("'" + value + "': expected ID=HOST:PORT");
    }
    String target = value.substring(eq + 1);
    int weight = 1;
    int at = target.lastIndexOf('@');
    if (at > 0) {
      try {
        weight = Integer.parseInt(target.substring(at + 1));
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "': weight after @ is not a number");
      }
      target = target.substring(0, at);
    }
    InetSocketAddress address = HostPort.parse(target);
    try {
      return new Backend(
          BackendId.of(value.substring(0, eq)), address.getHostString(), address.getPort(), weight,
          BackendState.ACTIVE, null);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("'" + value + "': " + e.getMessage());
    }
  }
}
