package io.stickypool.core.cookie;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The keys a proxy signs and verifies affinity cookies with. The newest key (the last one listed)
 * signs; every key in the ring verifies. Rotation is two steps, each a new ring rolled out to all
 * replicas: add a key at the end (it signs from then on, old cookies still verify and are re-signed
 * as they are refreshed), then later retire the old key by removing it (its cookies become
 * UNKNOWN_KEY and their sessions start over). So that no replica sees a cookie from a key it lacks,
 * a cautious rollout first lists the new key before the old one (verify only), then last.
 *
 * <p>Text form (a key file or a Kubernetes Secret value), one key per line, oldest first:
 *
 * <pre>
 * # comments and blank lines are ignored
 * 1:3q2+7w...   &lt;id 0..255&gt;:&lt;standard base64 of a secret of at least 32 bytes&gt;
 * 2:Zm9vYmFy...  the last line signs
 * </pre>
 *
 * <p>Immutable and thread-safe. Ids are unique within a ring.
 */
public final class KeyRing {
  /** The id {@link #generate} gives its key. */
  public static final int FIRST_KEY_ID = 1;

  private final List<SigningKey> keys;
  private final SigningKey[] byId = new SigningKey[SigningKey.MAX_ID + 1];

  /**
   * @param keys oldest first; the last signs
   * @throws IllegalArgumentException when empty or when an id appears twice
   */
  public KeyRing(List<SigningKey> keys) {
    this.keys = List.copyOf(keys);
    if (this.keys.isEmpty()) {
      throw new IllegalArgumentException("a key ring needs at least one key");
    }
    for (SigningKey k : this.keys) {
      if (byId[k.id()] != null) {
        throw new IllegalArgumentException("key id " + k.id() + " is listed twice");
      }
      byId[k.id()] = k;
    }
  }

  public static KeyRing of(SigningKey... keys) {
    return new KeyRing(List.of(keys));
  }

  /** A ring of one fresh key with id {@value #FIRST_KEY_ID}. */
  public static KeyRing generate(SecureRandom random) {
    return of(SigningKey.generate(FIRST_KEY_ID, random));
  }

  /**
   * Reads the text form.
   *
   * @throws IllegalArgumentException naming the 1-based line of the first problem; messages never
   *     include secret bytes (nor the cause from the base64 decoder, which quotes a character)
   */
  public static KeyRing parse(String text) {
    Objects.requireNonNull(text, "key ring text");
    List<SigningKey> keys = new ArrayList<>();
    int[] lineOfId = new int[SigningKey.MAX_ID + 1];
    String[] lines = text.split("\\R", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      SigningKey key = parseLine(line, i + 1);
      if (lineOfId[key.id()] != 0) {
        throw new IllegalArgumentException(
            "key ring line " + (i + 1) + ": key id " + key.id() + " is already defined on line "
                + lineOfId[key.id()]);
      }
      lineOfId[key.id()] = i + 1;
      keys.add(key);
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(
          "key ring text has no keys (expected lines <id>:<base64 secret>)");
    }
    return new KeyRing(keys);
  }

  private static SigningKey parseLine(String line, int lineNo) {
    String where = "key ring line " + lineNo + ": ";
    int colon = line.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(where + "expected <id>:<base64 secret>");
    }
    int id = parseId(line.substring(0, colon).strip());
    if (id < 0) {
      throw new IllegalArgumentException(where + "key id must be a number 0.." + SigningKey.MAX_ID);
    }
    byte[] secret;
    try {
      secret = Base64.getDecoder().decode(line.substring(colon + 1).strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + "secret of key " + id + " is not valid base64");
    }
    if (secret.length < SigningKey.MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          where + "secret of key " + id + " has " + secret.length + " bytes, at least "
              + SigningKey.MIN_SECRET_BYTES + " are needed");
    }
    return new SigningKey(id, secret);
  }

  /** The id, or -1 unless it is 1 to 3 ASCII digits with a value 0..255. */
  private static int parseId(String s) {
    if (s.isEmpty() || s.length() > 3) {
      return -1;
    }
    int id = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      id = id * 10 + (c - '0');
    }
    return id <= SigningKey.MAX_ID ? id : -1;
  }

  /** The text form that {@link #parse} reads back to an equal ring. */
  public String format() {
    StringBuilder sb = new StringBuilder(
        "# StickyPool affinity cookie keys, oldest first: <id>:<base64 secret>. Last one signs.\n");
    for (SigningKey k : keys) {
      String secret = Base64.getEncoder().encodeToString(k.secret());
      sb.append(k.id()).append(':').append(secret).append('\n');
    }
    return sb.toString();
  }

  /** The key new cookies are signed with: the last one listed. */
  public SigningKey signingKey() {
    return keys.get(keys.size() - 1);
  }

  /** The key with this id, or null when the ring has none (including ids outside 0..255). */
  public SigningKey key(int id) {
    return id >= 0 && id < byId.length ? byId[id] : null;
  }

  /** Oldest first. */
  public List<SigningKey> keys() {
    return keys;
  }

  /** Rotation step one: this ring plus {@code newest}, which signs from now on. */
  public KeyRing withKey(SigningKey newest) {
    List<SigningKey> next = new ArrayList<>(keys);
    next.add(newest);
    return new KeyRing(next);
  }

  /**
   * Rotation step two: this ring without key {@code id}; its cookies become UNKNOWN_KEY.
   *
   * @throws IllegalArgumentException when the ring has no such key or it is the only one
   */
  public KeyRing withoutKey(int id) {
    if (key(id) == null) {
      throw new IllegalArgumentException("key id " + id + " is not in the ring");
    }
    List<SigningKey> next = new ArrayList<>(keys);
    next.removeIf(k -> k.id() == id);
    return new KeyRing(next);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyRing && ((KeyRing) o).keys.equals(keys);
  }

  @Override
  public int hashCode() {
    return keys.hashCode();
  }

  /** Ids only, oldest first, signing key last. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("KeyRing{ids=[");
    for (int i = 0; i < keys.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(keys.get(i).id());
    }
    return sb.append("], signing=").append(signingKey().id()).append('}').toString();
  }
}
