package io.stickypool.core.snapshot;

/** The cookie's SameSite attribute; {@link #UNSET} leaves the attribute out. */
public enum SameSite {
  STRICT("Strict"),
  LAX("Lax"),
  NONE("None"),
  UNSET("");

  private final String attributeValue;

  SameSite(String attributeValue) {
    this.attributeValue = attributeValue;
  }

  /** The value as written in Set-Cookie, e.g. {@code Lax}. */
  public String attributeValue() {
    return attributeValue;
  }
}
