package io.stickypool.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
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
 * Which transport each setting runs for each kind of listener on a machine that refuses some of
 * them: auto prefers io_uring except on one IPv4 address, where its socket would be dual-stack.
 */
class TransportChoiceTest {
  private static final Throwable SECCOMP =
      new IllegalStateException("failed to create io_uring ring fd", new IOException("Operation not permitted"));
  private static final Throwable NO_LIBRARY = new UnsatisfiedLinkError("no netty_transport_native_epoll_x86_64");

  private static final InetSocketAddress ANY = new InetSocketAddress("0.0.0.0", 8080);
  private static final InetSocketAddress LOOPBACK_V4 = new InetSocketAddress("127.0.0.1", 8080);
  private static final InetSocketAddress LOOPBACK_V6 = new InetSocketAddress("::1", 8080);

  static Stream<Arguments> machines() {
    Set<Transport> all = Set.of();
    Set<Transport> noUring = Set.of(Transport.IO_URING);
    Set<Transport> noNative = Set.of(Transport.IO_URING, Transport.EPOLL);
    String uringRefused = "transport io_uring is not available here (Operation not permitted): using ";
    String epollMissing = "transport epoll is not available here (no netty_transport_native_epoll_x86_64): using nio";
    return Stream.of(
        // choice, listener, refused transports, runs on, log line or null
        Arguments.of(TransportChoice.AUTO, ANY, all, Transport.IO_URING, null),
        Arguments.of(TransportChoice.AUTO, LOOPBACK_V6, all, Transport.IO_URING, null),
        Arguments.of(TransportChoice.AUTO, ANY, noUring, Transport.EPOLL, uringRefused + "epoll"),
        Arguments.of(TransportChoice.AUTO, ANY, noNative, Transport.NIO, uringRefused + "nio"),
        Arguments.of(TransportChoice.AUTO, LOOPBACK_V4, all, Transport.EPOLL, null),
        Arguments.of(TransportChoice.AUTO, LOOPBACK_V4, noUring, Transport.EPOLL, null),
        Arguments.of(TransportChoice.AUTO, LOOPBACK_V4, noNative, Transport.NIO, epollMissing),
        Arguments.of(TransportChoice.IO_URING, LOOPBACK_V4, all, Transport.IO_URING, null),
        Arguments.of(TransportChoice.IO_URING, ANY, noUring, Transport.EPOLL, uringRefused + "epoll"),
        Arguments.of(TransportChoice.IO_URING, ANY, noNative, Transport.NIO, uringRefused + "nio"),
        Arguments.of(TransportChoice.EPOLL, ANY, all, Transport.EPOLL, null),
        Arguments.of(TransportChoice.EPOLL, ANY, noNative, Transport.NIO, epollMissing),
        Arguments.of(TransportChoice.NIO, ANY, all, Transport.NIO, null));
  }

  @ParameterizedTest(name = "{0} on {1} without {2} -> {3}")
  @MethodSource("machines")
  void fallsBackWithOneLineNamingTheReason(
      TransportChoice choice, InetSocketAddress listen, Set<Transport> refused, Transport expected, String line) {
    Function<Transport, Throwable> unavailability =
        t -> !refused.contains(t) ? null : t == Transport.IO_URING ? SECCOMP : NO_LIBRARY;
    List<String> log = new ArrayList<>();

    assertThat(choice.resolve(listen, unavailability, log::add)).isEqualTo(expected);
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
