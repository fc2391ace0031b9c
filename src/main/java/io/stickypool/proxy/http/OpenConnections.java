package io.stickypool.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.stickypool.core.backend.BackendId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The proxy's open client connections and, among them, the protocol tunnels (WebSocket) per backend,
 * so that shutdown can drain them and a backend's drain deadline can close its tunnels; and its
 * backend connections, so that shutdown can close those too before the event loops end.
 * Thread-safe.
 */
public final class OpenConnections {
  static final AttributeKey<Boolean> BUSY = AttributeKey.valueOf("stickypool.busy");

  private final ChannelGroup clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
  private final ChannelGroup backends = new DefaultChannelGroup("backends", GlobalEventExecutor.INSTANCE);
  private final ConcurrentHashMap<BackendId, Set<Channel>> tunnels = new ConcurrentHashMap<>();

  private volatile boolean shuttingDown;

  /** From now on connections close after their current exchange instead of staying alive. */
  public void beginShutdown() {
    shuttingDown = true;
  }

  boolean shuttingDown() {
    return shuttingDown;
  }

  void add(Channel client) {
    clients.add(client);
  }

  void addBackend(Channel backend) {
    backends.add(backend);
  }

  void addTunnel(BackendId backend, Channel client) {
    Set<Channel> set = tunnels.computeIfAbsent(backend, id -> ConcurrentHashMap.newKeySet());
    set.add(client);
    client.closeFuture().addListener(f -> set.remove(client));
  }

  public int size() {
    return clients.size();
  }

  /** Open client connections with an exchange or tunnel in progress. */
  public int busy() {
    int n = 0;
    for (Channel ch : clients) {
      if (Boolean.TRUE.equals(ch.attr(BUSY).get())) {
        n++;
      }
    }
    return n;
  }

  public int tunnelCount() {
    return tunnels.values().stream().mapToInt(Set::size).sum();
  }

  /** The backends that have open tunnels now. */
  public Set<BackendId> tunnelBackends() {
    return Set.copyOf(tunnels.keySet());
  }

  /** Closes the tunnels to {@code backend}; returns how many were closed. */
  public int closeTunnels(BackendId backend) {
    Set<Channel> set = tunnels.remove(backend);
    if (set == null) {
      return 0;
    }
    List<Channel> copy = new ArrayList<>(set);
    copy.forEach(Channel::close);
    return copy.size();
  }

  /** Closes idle client connections now; busy ones are left to finish. Returns how many closed. */
  public int closeIdle() {
    int n = 0;
    for (Channel ch : clients) {
      if (!Boolean.TRUE.equals(ch.attr(BUSY).get())) {
        ch.close();
        n++;
      }
    }
    return n;
  }

  /**
   * Force-closes every client and backend connection and waits, at most {@code wait}, until they
   * are closed; returns how many client connections were still open.
   *
   * <p>Why wait: on io_uring a channel finishes closing only once the kernel has cancelled its
   * pending read and Netty has released that read's buffer. Event loops told to stop before then
   * can end with the buffer unreleased (the test suite's leak detector caught one).
   */
  public int closeAll(Duration wait) throws InterruptedException {
    int n = clients.size();
    long deadline = System.nanoTime() + wait.toNanos();
    ChannelGroupFuture clientsClosed = clients.close();
    ChannelGroupFuture backendsClosed = backends.close();
    clientsClosed.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    backendsClosed.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    return n;
  }
}
