package io.stickypool.proxy.config;

import io.stickypool.core.cookie.KeyRing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cookie signing keys from a key file ({@link KeyRing#parse} format), reloaded when the file
 * changes so keys can be rotated without a restart (see {@link WatchedFile} for how changes are
 * noticed). An invalid file is reported and ignored: the proxy keeps the keys it has. Messages
 * name the line and the problem, never key material.
 *
 * <p>Use: {@link #load} the initial ring to start the proxy with, then {@link #watch} with the
 * proxy's key update. Calls to the consumers come from the watcher's daemon thread, except a
 * change found by {@code watch} itself, which is delivered on its caller's thread.
 */
public final class KeyFileSource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeyFileSource.class);

  private final WatchedFile file;
  private final String origin;
  private KeyRing current;

  public KeyFileSource(Path keyFile) {
    this(new WatchedFile(keyFile, "sp-key-file"));
  }

  KeyFileSource(WatchedFile file) {
    this.file = file;
    this.origin = "file:" + file.file();
  }

  /**
   * Reads and parses the key file now.
   *
   * @throws IOException when it cannot be read; the message names the file
   * @throws IllegalArgumentException when its content is not a key ring; the message names the
   *     file and the line
   */
  public synchronized KeyRing load() throws IOException {
    String text;
    try {
      text = Files.readString(file.file(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IOException("cannot read key file " + file.file() + ": " + e, e);
    }
    current = parse(text);
    return current;
  }

  /**
   * Starts watching. {@code onKeys} gets every valid new ring (and, at once, the file's ring when
   * it differs from the one {@link #load} returned); {@code onError} gets a one-line description of
   * every unreadable or invalid version of the file.
   *
   * @throws IOException when the file cannot be read or watched
   */
  public void watch(Consumer<KeyRing> onKeys, Consumer<String> onError) throws IOException {
    Objects.requireNonNull(onKeys, "onKeys");
    Objects.requireNonNull(onError, "onError");
    file.start(new WatchedFile.Handler() {
      @Override
      public void changed(String content) {
        KeyRing ring;
        try {
          ring = parse(content);
        } catch (IllegalArgumentException e) {
          report(onError, e.getMessage() + "; keeping the current keys");
          return;
        }
        if (replaces(ring)) {
          LOG.info("{}: loaded {}", origin, ring);
          onKeys.accept(ring);
        }
      }

      @Override
      public void unreadable(IOException problem) {
        report(onError,
            "cannot read " + file.file() + ": " + problem + "; keeping the current keys");
      }
    });
  }

  public String describe() {
    return origin;
  }

  @Override
  public void close() {
    file.close();
  }

  private synchronized boolean replaces(KeyRing ring) {
    if (ring.equals(current)) {
      return false;
    }
    current = ring;
    return true;
  }

  private void report(Consumer<String> onError, String detail) {
    LOG.warn("key file: {}", detail);
    onError.accept(detail);
  }

  private KeyRing parse(String text) {
    try {
      return KeyRing.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file.file() + ": " + e.getMessage(), e);
    }
  }
}
