package io.stickypool.proxy.http;

import java.util.Random;

/** Random message heads for the differential tests: a start line, fields, then one small edit. */
final class GeneratedHeads {
  private GeneratedHeads() {}

  /**
   * Appends up to five fields drawn from {@code names} and {@code values} and the empty line to
   * {@code sb}, then makes one edit, or none: a character swapped for one of {@code bad}, one of
   * them inserted, or a character removed (never the first, never in the last few).
   */
  static String finish(StringBuilder sb, Random random, String[] names, String[] values, String[] bad) {
    int fields = random.nextInt(6);
    for (int i = 0; i < fields; i++) {
      sb.append(names[random.nextInt(names.length)]).append(": ").append(values[random.nextInt(values.length)])
          .append("\r\n");
    }
    String head = sb.append("\r\n").toString();
    int kind = random.nextInt(4);
    int at = 1 + random.nextInt(head.length() - 5);
    String b = bad[random.nextInt(bad.length)];
    return switch (kind) {
      case 0 -> head.substring(0, at) + b + head.substring(at + 1);
      case 1 -> head.substring(0, at) + b + head.substring(at);
      case 2 -> head.substring(0, at) + head.substring(at + 1);
      default -> head;
    };
  }
}
