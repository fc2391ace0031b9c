package io.stickypool.proxy.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.stickypool.proxy.h2.ListenerInitializer;
import io.stickypool.proxy.http.OpenConnections;
import io.stickypool.proxy.http.ProxyContext;
import io.stickypool.proxy.tls.ServerTls;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The traffic listener: accepts client connections and hands them to the HTTP pipeline. Owns the
 * event loops; backend connections run on the same loops as the clients they serve, and the
 * listener itself runs on one of them: a separate accept thread would hand every new connection
 * across threads (a wake-up and a switch on a one-core pod) and cost a thread and an io_uring
 * ring or epoll instance of its own.
 */
public final class ProxyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

  private final ProxyContext proxy;
  private final ServerTls tls;
  private final Transport transport;
  private final EventLoopGroup workers;
  private Channel listener;

  public ProxyServer(ProxyContext proxy, Transport transport, int workerThreads) {
    this(proxy, null, transport, workerThreads);
  }

  /** @param tls terminates TLS on client connections, or null for plain HTTP */
  public ProxyServer(ProxyContext proxy, ServerTls tls, Transport transport, int workerThreads) {
    this.proxy = proxy;
    this.tls = tls;
    this.transport = transport;
    this.workers = transport.newGroup(workerThreads, "sp-io");
  }

  /** Binds the listener and returns the bound address (port 0 picks a free port). */
  public InetSocketAddress start(InetSocketAddress bindAddress) throws InterruptedException {
    listener =
        new ServerBootstrap()
            .group(workers)
            .channelFactory(transport.serverChannelFactory(bindAddress))
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ListenerInitializer(proxy, tls))
            .bind(bindAddress)
            .sync()
            .channel();
    InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
    LOG.info("proxy listening on {} ({} transport{})", bound, transport.name().toLowerCase(),
        tls == null ? "" : ", TLS by " + tls.engine());
    return bound;
  }

  public EventLoopGroup workers() {
    return workers;
  }

  public ProxyContext context() {
    return proxy;
  }

  /**
   * Graceful stop: no new connections, idle keep-alives closed, in-flight exchanges given {@code
   * grace} to finish, then whatever is left is force-closed.
   */
  public ShutdownReport shutdown(Duration grace) throws InterruptedException {
    long started = System.nanoTime();
    OpenConnections open = proxy.connections();
    // Counted first: a connection whose exchange ends once shutdown began closes by itself, and
    // it counts as finished.
    int atStart = open.size();
    open.beginShutdown();
    if (listener != null) {
      listener.close().sync();
    }
    int idleClosed = open.closeIdle();
    long deadline = started + grace.toNanos();
    while (open.busy() > 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    int forced = open.busy();
    open.closeAll(Duration.ofSeconds(2));
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    ShutdownReport report =
        new ShutdownReport(atStart, idleClosed, Math.max(0, atStart - idleClosed - forced), forced,
            Duration.ofNanos(System.nanoTime() - started));
    if (listener != null) {
      LOG.info("proxy stopped: {}", report.describe());
    }
    return report;
  }

  @Override
  public void close() throws InterruptedException {
    shutdown(Duration.ZERO);
  }

  /**
   * What a graceful shutdown did with the connections it found open, and how long it took from
   * the first step to the event loops' end.
   */
  public record ShutdownReport(int open, int idleClosed, int finished, int forced, Duration took) {
    /** One line, such as {@code 3 connections open: 1 idle closed, 1 finished, 1 forced; took 10.03s}. */
    public String describe() {
      return open + (open == 1 ? " connection" : " connections") + " open: " + idleClosed + " idle closed, "
          + finished + " finished, " + forced + " forced; took " + seconds(took);
    }

    private static String seconds(Duration d) {
      long millis = d.toMillis();
      return millis < 1000 ? millis + "ms" : String.format(java.util.Locale.ROOT, "%.2fs", millis / 1000.0);
    }
  }
}
