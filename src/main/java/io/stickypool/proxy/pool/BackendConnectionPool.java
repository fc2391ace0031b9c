package io.stickypool.proxy.pool;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Idle keep-alive connections to backends, kept per event loop so that a client connection only
 * ever reuses backend connections registered on its own loop: the two sides of an exchange then
 * run on one thread and need no locks (Netty's HexDumpProxy pattern).
 *
 * <p>Confined per thread: every method must be called on the event loop that owns the channels.
 * Connections are reused most-recently-used first (warm, least likely to have been closed by the
 * backend's own idle timeout), and dropped when they have idled longer than {@code maxIdleNanos}.
 */
public final class BackendConnectionPool {
  private static final AttributeKey<Long> IDLE_SINCE = AttributeKey.valueOf("stickypool.idleSince");

  private final int maxIdlePerBackend;
  private final long maxIdleNanos;
  private final FastThreadLocal<Map<InetSocketAddress, ArrayDeque<Channel>>> idle =
      new FastThreadLocal<>() {
        @Override
        protected Map<InetSocketAddress, ArrayDeque<Channel>> initialValue() {
          return new HashMap<>();
        }
      };

  public BackendConnectionPool(int maxIdlePerBackend, long maxIdleNanos) {
    this.maxIdlePerBackend = maxIdlePerBackend;
    this.maxIdleNanos = maxIdleNanos;
  }

  /** An idle, open connection to {@code address} on {@code loop}, or null. */
  public Channel poll(EventLoop loop, InetSocketAddress address) {
    assert loop.inEventLoop();
    ArrayDeque<Channel> q = idle.get().get(address);
    if (q == null) {
      return null;
    }
    long now = System.nanoTime();
    Channel ch;
    while ((ch = q.pollLast()) != null) {
      Long since = ch.attr(IDLE_SINCE).getAndSet(null);
      if (ch.isActive() && since != null && now - since < maxIdleNanos) {
        return ch;
      }
      ch.close();
    }
    return null;
  }

  /** Keeps an open connection for reuse; closes it when the pool for its backend is full. */
  public void offer(Channel ch, InetSocketAddress address) {
    assert ch.eventLoop().inEventLoop();
    ArrayDeque<Channel> q = idle.get().computeIfAbsent(address, a -> new ArrayDeque<>());
    if (!ch.isActive() || q.size() >= maxIdlePerBackend) {
      ch.close();
      return;
    }
    ch.attr(IDLE_SINCE).set(System.nanoTime());
    q.addLast(ch);
  }

  /** Forgets a connection that closed while idle. */
  public void remove(Channel ch, InetSocketAddress address) {
    ArrayDeque<Channel> q = idle.get().get(address);
    if (q != null) {
      q.remove(ch);
    }
  }

  /**
   * Closes this loop's idle connections to addresses no longer wanted (a backend left the
   * snapshot). Must run on each event loop; the caller schedules it there.
   */
  public void retainOnly(java.util.Set<InetSocketAddress> wanted) {
    var it = idle.get().entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      if (!wanted.contains(e.getKey())) {
        e.getValue().forEach(Channel::close);
        it.remove();
      }
    }
  }
}
