package io.stickypool.proxy.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.stickypool.proxy.http.FrontendInitializer;
import io.stickypool.proxy.http.OpenConnections;
import io.stickypool.proxy.http.ProxyContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The traffic listener: accepts client connections and hands them to the HTTP pipeline. Owns the
 * event loops; backend connections run on the same loops as the clients they serve.
 */
public final class ProxyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

  private final ProxyContext proxy;
  private final Transport transport;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private Channel listener;

  public ProxyServer(ProxyContext proxy, Transport transport, int workerThreads) {
    this.proxy = proxy;
    this.transport = transport;
    this.boss = transport.newGroup(1, "sp-accept");
    this.workers = transport.newGroup(workerThreads, "sp-io");
  }

  /** Binds the listener and returns the bound address (port 0 picks a free port). */
  public InetSocketAddress start(InetSocketAddress bindAddress) throws InterruptedException {
    listener =
        new ServerBootstrap()
            .group(boss, workers)
            .channelFactory(transport.serverChannelFactory(bindAddress))
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new FrontendInitializer(proxy))
            .bind(bindAddress)
            .sync()
            .channel();
    InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
    LOG.info("proxy listening on {} ({} transport)", bound, transport.name().toLowerCase());
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
    OpenConnections open = proxy.connections();
    open.beginShutdown();
    if (listener != null) {
      listener.close().sync();
    }
    int atStart = open.size();
    int idleClosed = open.closeIdle();
    long deadline = System.nanoTime() + grace.toNanos();
    while (open.busy() > 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    int forced = open.busy();
    open.closeAll();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    ShutdownReport report =
        new ShutdownReport(atStart, idleClosed, Math.max(0, atStart - idleClosed - forced), forced);
    LOG.info("proxy stopped: {}", report);
    return report;
  }

  @Override
  public void close() throws InterruptedException {
    shutdown(Duration.ZERO);
  }

  /** What a graceful shutdown did with the connections it found open. */
  public record ShutdownReport(int open, int idleClosed, int finished, int forced) {}
}
