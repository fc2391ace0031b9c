package io.stickypool.proxy.http;

import java.util.Arrays;

/**
 * Where each header field line of a head lies in its buffer, and what kind of field it is: the
 * storage both head readers ({@link ResponseHead}, {@link RequestHead}) share, grown as needed and
 * reused from one message to the next. The kinds are the reader's own constants.
 */
final class FieldLines {
  private int count;
  private int[] lineStart = new int[32];
  private int[] nameEnd = new int[32];
  private int[] valueStart = new int[32];
  private int[] valueEnd = new int[32];
  private int[] lineEnd = new int[32];
  private byte[] kind = new byte[32];
  private boolean[] verbatim = new boolean[32];

  void clear() {
    count = 0;
  }

  /**
   * Records a line: {@code [start, name)} the name, {@code [vs, ve)} the trimmed value, {@code next}
   * the start of the next line; verbatim when it can be copied as it came. Returns its index.
   */
  int add(int start, int name, int vs, int ve, int next, byte k, boolean asItCame) {
    if (count == kind.length) {
      int n = count * 2;
      lineStart = Arrays.copyOf(lineStart, n);
      nameEnd = Arrays.copyOf(nameEnd, n);
      valueStart = Arrays.copyOf(valueStart, n);
      valueEnd = Arrays.copyOf(valueEnd, n);
      lineEnd = Arrays.copyOf(lineEnd, n);
      kind = Arrays.copyOf(kind, n);
      verbatim = Arrays.copyOf(verbatim, n);
    }
    int i = count++;
    lineStart[i] = start;
    nameEnd[i] = name;
    valueStart[i] = vs;
    valueEnd[i] = ve;
    lineEnd[i] = next;
    kind[i] = k;
    verbatim[i] = asItCame;
    return i;
  }

  int count() {
    return count;
  }

  byte kind(int i) {
    return kind[i];
  }

  void setKind(int i, byte k) {
    kind[i] = k;
  }

  int lineStart(int i) {
    return lineStart[i];
  }

  int nameEnd(int i) {
    return nameEnd[i];
  }

  int valueStart(int i) {
    return valueStart[i];
  }

  int valueEnd(int i) {
    return valueEnd[i];
  }

  int lineEnd(int i) {
    return lineEnd[i];
  }

  boolean verbatim(int i) {
    return verbatim[i];
  }
}
