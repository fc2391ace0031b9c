package io.stickypool.demo;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The demo's one screen: story lines (Events, simulator, demo) scroll, and the table of sessions
 * per backend stays under them. On a terminal the table is redrawn in place (ANSI cursor-up and
 * clear-to-end), each new line being written above it; otherwise (CI, a pipe, a test) lines are
 * plain and the table is printed again only when a row changed. Every part of the demo prints
 * through {@link #lines()}, so nothing scrolls the table away. Thread-safe: Event lines arrive on
 * the watch's thread, simulator lines on the node's, the table on the story's; one lock orders them.
 */
final class DemoScreen {
  private static final String CURSOR_UP = "\u001b[%dA";
  private static final String CLEAR_TO_END = "\u001b[J";

  private final PrintStream terminal;
  private final boolean live;
  private final PrintStream lines;
  private List<String> table = List.of();
  private List<String> lastRows = List.of();

  /**
   * @param live redraw in place with ANSI codes (a terminal), else plain lines
   */
  DemoScreen(PrintStream terminal, boolean live) {
    this.terminal = Objects.requireNonNull(terminal, "terminal");
    this.live = live;
    this.lines = new PrintStream(new LineSplitter(), true, StandardCharsets.UTF_8);
  }

  /**
   * Whether {@code out} is a terminal that understands ANSI codes: it is this JVM's standard output,
   * attached to a console, and TERM names a terminal other than "dumb".
   */
  static boolean isAnsiTerminal(PrintStream out) {
    String term = System.getenv("TERM");
    return out == System.out && System.console() != null && term != null && !term.isBlank()
        && !"dumb".equals(term);
  }

  /** Where story lines go; each complete line scrolls above the table. */
  PrintStream lines() {
    return lines;
  }

  boolean live() {
    return live;
  }

  /**
   * Shows this table under the story lines. {@code header} changes every time (the clock); in plain
   * mode the table is printed only when one of its {@code rows} changed, so a CI log is not a wall of
   * identical tables.
   */
  synchronized void table(String header, List<String> rows) {
    List<String> next = new java.util.ArrayList<>();
    next.add(header);
    next.addAll(rows);
    if (live) {
      erase();
      table = List.copyOf(next);
      draw();
    } else if (!rows.equals(lastRows)) {
      next.forEach(terminal::println);
    }
    lastRows = List.copyOf(rows);
    terminal.flush();
  }

  /** Leaves the last table on screen as ordinary lines, so what follows prints under it. */
  synchronized void release() {
    table = List.of();
  }

  private synchronized void line(String text) {
    if (live) {
      erase();
      terminal.println(text);
      draw();
    } else {
      terminal.println(text);
    }
    terminal.flush();
  }

  private void erase() {
    if (!table.isEmpty()) {
      terminal.print(String.format(CURSOR_UP, table.size()) + "\r" + CLEAR_TO_END);
    }
  }

  private void draw() {
    table.forEach(terminal::println);
  }

  /** Cuts what is printed into lines and hands each complete one to {@link #line}. */
  private final class LineSplitter extends OutputStream {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    @Override
    public void write(int b) {
      synchronized (DemoScreen.this) {
        if (b == '\n') {
          String text = pending.toString(StandardCharsets.UTF_8);
          pending.reset();
          line(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
        } else {
          pending.write(b);
        }
      }
    }

    @Override
    public void write(byte[] buf, int off, int len) {
      synchronized (DemoScreen.this) {
        for (int i = off; i < off + len; i++) {
          write(buf[i]);
        }
      }
    }
  }
}
