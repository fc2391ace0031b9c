package io.stickypool.proxy.http;

import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;

/**
 * Backend flushes of one event loop, held until it has handled every socket that was ready.
 *
 * <p>A write to a backend on the same CPU wakes it, and the kernel usually switches to it on the
 * way out of that write: flushing each request as it is read makes the backend answer one request
 * per wake-up and the proxy pay a context switch per request. Flushed together after the batch of
 * ready sockets, the backend is woken once and finds them all. The loop runs tasks right after its
 * I/O, so the wait is the rest of one pass, not a timer.
 */
final class FlushBatch implements Runnable {
  private static final FastThreadLocal<FlushBatch> PER_LOOP = new FastThreadLocal<>() {
    @Override
    protected FlushBatch initialValue() {
      return new FlushBatch();
    }
  };

  private final ArrayList<Channel> waiting = new ArrayList<>();
  private boolean scheduled;

  private FlushBatch() {
  }

  /** Flushes {@code channel} once its event loop, the caller's, has handled this pass's I/O. */
  static void flushAfterReads(Channel channel) {
    PER_LOOP.get().add(channel);
  }

  private void add(Channel channel) {
    waiting.add(channel);
    if (!scheduled) {
      scheduled = true;
      channel.eventLoop().execute(this);
    }
  }

  @Override
  public void run() {
    scheduled = false;
    for (int i = 0; i < waiting.size(); i++) {
      waiting.get(i).flush();
    }
    waiting.clear();
  }
}
