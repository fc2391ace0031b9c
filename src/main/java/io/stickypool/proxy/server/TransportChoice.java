package io.stickypool.proxy.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code --transport} setting: a transport by name, or {@code auto}. Resolved once at start;
 * a transport the machine refuses (io_uring under a seccomp profile or
 * {@code kernel.io_uring_disabled}, no native library) falls back to the next one in the
 * {@code auto} order with one log line naming the reason, rather than failing the start.
 *
 * <p>{@code auto} prefers io_uring, which took a fifth to a third less CPU per request than epoll
 * in the A/Bs of docs/proxy-tuning.md.
 */
public enum TransportChoice {
  AUTO,
  IO_URING,
  EPOLL,
  NIO;

  private static final List<Transport> FASTEST_FIRST = List.of(Transport.IO_URING, Transport.EPOLL, Transport.NIO);
  private static final Logger LOG = LoggerFactory.getLogger(TransportChoice.class);

  /** The accepted spellings, for messages and help. */
  public static final String NAMES = "auto, io_uring, epoll or nio";

  /**
   * {@code auto}, {@code io_uring}, {@code epoll} or {@code nio}, any case.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static TransportChoice parse(String name) {
    for (TransportChoice choice : values()) {
      if (choice.configName().equals(name.toLowerCase(Locale.ROOT))) {
        return choice;
      }
    }
    throw new IllegalArgumentException("'" + name + "': expected " + NAMES);
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The transport to run on this machine. Falling back from a
   * transport asked for by name is a warning; from {@code auto}'s first pick, information.
   */
  public Transport resolve() {
    return resolve(Transport::unavailabilityCause, this == AUTO ? LOG::info : LOG::warn);
  }

  /**
   * The first usable transport of this choice's order.
   *
   * @param unavailability why a transport cannot run here, or null when it can
   * @param log receives one line when the wanted transport is passed over
   */
  Transport resolve(Function<Transport, Throwable> unavailability, Consumer<String> log) {
    List<Transport> order = order();
    Transport wanted = order.get(0);
    Throwable wantedCause = null;
    for (Transport candidate : order) {
      Throwable cause = unavailability.apply(candidate);
      if (cause == null) {
        if (wantedCause != null) {
          log.accept("transport " + wanted.configName() + " is not available here (" + reason(wantedCause)
              + "): using " + candidate.configName());
        }
        return candidate;
      }
      if (candidate == wanted) {
        wantedCause = cause;
      }
    }
    return Transport.NIO;
  }

  private List<Transport> order() {
    if (this == AUTO) {
      return FASTEST_FIRST;
    }
    List<Transport> order = new ArrayList<>(FASTEST_FIRST);
    Transport wanted = Transport.valueOf(name());
    order.remove(wanted);
    order.add(0, wanted);
    return order;
  }

  private static String reason(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
