package io.stickypool.contract;

import java.util.OptionalInt;

/**
 * A routing snapshot document that cannot be read: malformed JSON or YAML, a field of the wrong
 * type, an unknown field, or a value the core types refuse. The message names the field path (such
 * as {@code backends[2].port}), says what was expected and, when the document was parsed from text,
 * where the value starts: {@code backends[2].port: 70000 is not 1..65535 (line 14, column 15)}.
 *
 * <p>Checked on purpose: a snapshot comes from outside the process (a ConfigMap, a file), so every
 * reader must decide what a bad one means for it (keep the last good snapshot, refuse to start).
 */
public final class SnapshotFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String problem;
  private final SourceTree.Position position;

  /**
   * @param path the field path, empty for the document as a whole
   * @param problem what is wrong and what was expected, without the path or position
   * @param position where the offending value starts, or null when unknown
   */
  public SnapshotFormatException(String path, String problem, SourceTree.Position position) {
    super(describe(path, problem, position));
    this.path = path;
    this.problem = problem;
    this.position = position;
  }

  private static String describe(String path, String problem, SourceTree.Position position) {
    String where = position == null ? "" : " (" + position + ")";
    return (path.isEmpty() ? "snapshot" : path) + ": " + problem + where;
  }

  /** The field path, such as {@code affinity.cookie.idleTimeout}; empty for the whole document. */
  public String path() {
    return path;
  }

  /** What is wrong, without the path and position. */
  public String problem() {
    return problem;
  }

  /** 1-based line of the offending value, when the document was parsed from text. */
  public OptionalInt line() {
    return position == null ? OptionalInt.empty() : OptionalInt.of(position.line());
  }

  /** 1-based column of the offending value, when the document was parsed from text. */
  public OptionalInt column() {
    return position == null ? OptionalInt.empty() : OptionalInt.of(position.column());
  }
}
