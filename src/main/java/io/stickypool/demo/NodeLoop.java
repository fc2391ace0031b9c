package io.stickypool.demo;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The 200 ms loop of a demo node: one daemon thread running one pass at a time, like a kubelet's
 * sync loop. A pass that fails is retried on the next tick; each new problem is said once.
 */
final class NodeLoop implements AutoCloseable {
  /** One pass over the API. */
  interface Pass {
    void run() throws Exception;
  }

  private final String label;
  private final PrintStream out;
  private final ScheduledExecutorService loop;
  private volatile String lastError = "";
  private volatile boolean closing;

  NodeLoop(String label, PrintStream out) {
    this.label = label;
    this.out = out;
    this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, label + "-loop");
      t.setDaemon(true);
      return t;
    });
  }

  void start(Pass pass) {
    loop.scheduleWithFixedDelay(() -> tick(pass), 0, 200, TimeUnit.MILLISECONDS);
  }

  private void tick(Pass pass) {
    try {
      pass.run();
      lastError = "";
    } catch (Exception e) {
      String msg = e.getClass().getSimpleName() + ": " + e.getMessage();
      if (!closing && !msg.equals(lastError)) {
        out.println("[" + label + "] will retry: " + msg);
        lastError = msg;
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    closing = true; // an interrupted API call on the way out is not news
    loop.shutdownNow();
    loop.awaitTermination(5, TimeUnit.SECONDS);
  }
}
