package io.stickypool.operator.model;

/**
 * A pool's spec holds something the operator cannot act on: a value that passed the API server
 * (an older CRD, or one newer than this operator) but makes no sense here. Says which field and
 * why, in words a user acts on, never a Java class name.
 */
public final class InvalidSpec extends IllegalArgumentException {
  private final String field;

  public InvalidSpec(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
  }

  /** The field's path, e.g. {@code spec.drain.drainTimeout}. */
  public String field() {
    return field;
  }
}
