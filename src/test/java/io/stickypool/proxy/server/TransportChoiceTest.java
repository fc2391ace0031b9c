package io.stickypool.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Which transport each setting runs on a machine that refuses some of them: auto prefers io_uring,
 * then epoll, then NIO, and a transport asked for by name comes first.
 */
class TransportChoiceTest {
  private static final Throwable SECCOMP =
      new IllegalStateException("failed to create io_uring ring fd", new IOException("Operation not permitted"));
  private static final Throwable NO_LIBRARY = new UnsatisfiedLinkError("no netty_transport_native_epoll_x86_64");

  static Stream<Arguments> machines() {
    Set<Transport> all = Set.of();
    Set<Transport> noUring = Set.of(Transport.IO_URING);
    Set<Transport> noNative = Set.of(Transport.IO_URING, Transport.EPOLL);
    String uringRefused = "transport io_uring is not available here (Operation not permitted): using ";
    String epollMissing = "transport epoll is not available here (no netty_transport_native_epoll_x86_64): using nio";
    return Stream.of(
        // choice, refused transports, runs on, log line or null
        Arguments.of(TransportChoice.AUTO, all, Transport.IO_URING, null),
        Arguments.of(TransportChoice.AUTO, noUring, Transport.EPOLL, uringRefused + "epoll"),
        Arguments.of(TransportChoice.AUTO, noNative, Transport.NIO, uringRefused + "nio"),
        Arguments.of(TransportChoice.IO_URING, all, Transport.IO_URING, null),
        Arguments.of(TransportChoice.IO_URING, noUring, Transport.EPOLL, uringRefused + "epoll"),
        Arguments.of(TransportChoice.IO_URING, noNative, Transport.NIO, uringRefused + "nio"),
        Arguments.of(TransportChoice.EPOLL, all, Transport.EPOLL, null),
        Arguments.of(TransportChoice.EPOLL, noUring, Transport.EPOLL, null),
        Arguments.of(TransportChoice.EPOLL, noNative, Transport.NIO, epollMissing),
        Arguments.of(TransportChoice.NIO, all, Transport.NIO, null));
  }

  @ParameterizedTest(name = "{0} without {1} -> {2}")
  @MethodSource("machines")
  void fallsBackWithOneLineNamingTheReason(
      TransportChoice choice, Set<Transport> refused, Transport expected, String line) {
    Function<Transport, Throwable> unavailability =
        t -> !refused.contains(t) ? null : t == Transport.IO_URING ? SECCOMP : NO_LIBRARY;
    List<String> log = new ArrayList<>();

    assertThat(choice.resolve(unavailability, log::add)).isEqualTo(expected);
    assertThat(log).isEqualTo(line == null ? List.of() : List.of(line));
  }

  @Test
  void parsesTheConfigNamesInAnyCase() {
    assertThat(TransportChoice.parse("io_uring")).isEqualTo(TransportChoice.IO_URING);
    assertThat(TransportChoice.parse("EPOLL")).isEqualTo(TransportChoice.EPOLL);
    assertThat(TransportChoice.parse("Auto")).isEqualTo(TransportChoice.AUTO);
    assertThatThrownBy(() -> TransportChoice.parse("uring"))
        .hasMessage("'uring': expected auto, io_uring, epoll or nio");
  }
}
