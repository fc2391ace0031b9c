package io.stickypool.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoScreenTest {
  private static final String UP_2_AND_CLEAR = "\u001b[2A\r\u001b[J";

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream terminal = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @Test
  void onATerminalTheTableIsRedrawnInPlaceWithLinesScrollingAboveIt() {
    DemoScreen screen = new DemoScreen(terminal, true);
    screen.lines().println("[demo] start");
    screen.table("[table 1s]", List.of("web-0 Active 3"));
    screen.table("[table 2s]", List.of("web-0 Active 4"));
    screen.lines().println("[event 2s] BackendDraining");

    assertThat(output()).isEqualTo("[demo] start\n"
        + "[table 1s]\nweb-0 Active 3\n"
        + UP_2_AND_CLEAR + "[table 2s]\nweb-0 Active 4\n"
        + UP_2_AND_CLEAR + "[event 2s] BackendDraining\n[table 2s]\nweb-0 Active 4\n");
  }

  @Test
  void releasedTableStaysAboveWhatFollows() {
    DemoScreen screen = new DemoScreen(terminal, true);
    screen.table("[table 1s]", List.of("web-0 Active 3"));
    screen.release();
    screen.lines().print("== summary ==\n");

    assertThat(output()).isEqualTo("[table 1s]\nweb-0 Active 3\n== summary ==\n");
  }

  @Test
  void plainOutputHasNoEscapesAndRepeatsATableOnlyWhenARowChanged() {
    DemoScreen screen = new DemoScreen(terminal, false);
    screen.table("[table 1s]", List.of("web-0 Active 3"));
    screen.table("[table 2s]", List.of("web-0 Active 3"));
    screen.lines().println("[event 2s] BackendDraining");
    screen.table("[table 3s]", List.of("web-0 Draining 3"));

    assertThat(output()).isEqualTo("[table 1s]\nweb-0 Active 3\n[event 2s] BackendDraining\n"
        + "[table 3s]\nweb-0 Draining 3\n").doesNotContain("\u001b");
  }

  @Test
  void aLineWrittenInPiecesIsShownOnceComplete() {
    DemoScreen screen = new DemoScreen(terminal, true);
    screen.table("[table 1s]", List.of());
    screen.lines().print("[simulator] pod ");
    assertThat(output()).isEqualTo("[table 1s]\n");
    screen.lines().print("web-0 started\n");

    assertThat(output()).isEqualTo("[table 1s]\n\u001b[1A\r\u001b[J[simulator] pod web-0 started\n[table 1s]\n");
  }

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
  }
}
