package io.stickypool.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the command line as a user types it, with what it printed on each stream. */
record CliRun(int exitCode, String out, String err) {
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = StickyPoolMain.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
