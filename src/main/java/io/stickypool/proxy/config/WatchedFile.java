package io.stickypool.proxy.config;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells its handler when a file's content changes, however it changed: written in place, replaced
 * by a rename (what editors do), or swapped behind a symlink (what Kubernetes does to a mounted
 * ConfigMap or Secret, renaming {@code ..data}). It watches the parent directory, so any event
 * there triggers a re-read ~100 ms later (debounced, so a burst of events gives one read), and it
 * also re-reads every second because a WatchService can miss events (or, on some platforms, poll
 * slowly itself). A re-read reaches the handler only when the content's SHA-256 differs from the
 * last content handled. Content is never logged (it may be a key file).
 *
 * <p>Threading: the handler's first call is on the thread that calls {@link #start}; later calls
 * come from this object's own daemon thread, one at a time, never concurrently with the first.
 */
public final class WatchedFile implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WatchedFile.class);
  public static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEBOUNCE = Duration.ofMillis(100);

  /** Receives the file's new content, or why it could not be read. */
  public interface Handler {
    void changed(String content);

    /** The file is missing or unreadable; called once per distinct problem, not on every poll. */
    void unreadable(IOException problem);
  }

  private final Path file;
  private final String threadName;
  private final long pollNanos;
  private final long debounceNanos;
  private volatile boolean closed;
  private WatchService watcher;
  private Thread thread;
  private Handler handler;
  private byte[] lastHash;
  private String lastProblem;

  public WatchedFile(Path file, String threadName) {
    this(file, threadName, POLL_INTERVAL, DEBOUNCE);
  }

  WatchedFile(Path file, String threadName, Duration pollInterval, Duration debounce) {
    this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
    this.threadName = threadName;
    this.pollNanos = pollInterval.toNanos();
    this.debounceNanos = debounce.toNanos();
  }

  public Path file() {
    return file;
  }

  /**
   * Reads the file and hands its content to {@code changes} on the calling thread, then starts
   * watching; later calls come from the watcher thread.
   *
   * @throws IOException when the file cannot be read or its directory cannot be watched; nothing
   *     is started then and the handler is not called
   */
  public synchronized void start(Handler changes) throws IOException {
    if (thread != null || closed) {
      throw new IllegalStateException("start() may be called once, before close()");
    }
    this.handler = Objects.requireNonNull(changes, "handler");
    byte[] content = Files.readAllBytes(file);
    watcher = file.getFileSystem().newWatchService();
    try {
      file.getParent().register(watcher, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
    } catch (IOException | RuntimeException e) {
      watcher.close();
      throw e;
    }
    lastHash = sha256(content);
    try {
      changes.changed(new String(content, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      watcher.close();
      throw e;
    }
    thread = new Thread(this::watch, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops watching; no handler call starts after this returns. Idempotent. */
  @Override
  public void close() {
    Thread running;
    WatchService service;
    synchronized (this) {
      closed = true;
      running = thread;
      service = watcher;
    }
    try {
      if (service != null) {
        service.close();
      }
    } catch (IOException e) {
      LOG.debug("closing the watch service of {}", file, e);
    }
    if (running != null && running != Thread.currentThread()) {
      try {
        running.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Re-reads {@link #DEBOUNCE} after the last event of a burst, and at least every
   * {@link #POLL_INTERVAL} (so a steady stream of events cannot postpone reading for ever).
   */
  private void watch() {
    long nextPoll = System.nanoTime() + pollNanos;
    boolean pending = false;
    long due = 0;
    try {
      while (!closed) {
        long now = System.nanoTime();
        long next = pending && due - nextPoll < 0 ? due : nextPoll;
        if (now - next >= 0) {
          pending = false;
          nextPoll = now + pollNanos;
          check();
          continue;
        }
        WatchKey key = watcher.poll(next - now, TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
          pending = true;
          due = System.nanoTime() + debounceNanos;
        }
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      // close() was called
    }
  }

  private void check() {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      report(e);
      return;
    }
    lastProblem = null;
    byte[] hash = sha256(content);
    if (Arrays.equals(hash, lastHash)) {
      return;
    }
    lastHash = hash;
    deliver(() -> handler.changed(new String(content, StandardCharsets.UTF_8)));
  }

  private void report(IOException e) {
    String problem = e instanceof NoSuchFileException ? "missing" : String.valueOf(e);
    if (!problem.equals(lastProblem)) {
      lastProblem = problem;
      lastHash = null;
      deliver(() -> handler.unreadable(e));
    }
  }

  /** Runs a handler call unless closed; a failing handler must not stop the watch. */
  private void deliver(Runnable call) {
    if (closed) {
      return;
    }
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.error("handler of {} failed", file, e);
    }
  }

  private static byte[] sha256(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
