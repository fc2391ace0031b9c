package io.stickypool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The three subcommands' help reads alike: whole sentences, named values, options in reading order. */
class HelpTextsTest {
  private static final CommandLine CLI = StickyPoolMain.commandLine();

  @Test
  void theTopLevelListGivesEachSubcommandAWholeSentence() {
    String help = CLI.getUsageMessage(CommandLine.Help.Ansi.OFF);
    for (String name : List.of("proxy", "operator", "demo")) {
      String first = CLI.getSubcommands().get(name).getCommandSpec().usageMessage().description()[0];
      assertThat(first).as(name).endsWith(".");
      assertThat(help.replaceAll("\\s+", " ")).contains(name + " " + first);
    }
  }

  @Test
  void everySubcommandNamesItsValuesKeepsItsOrderAndEndsWithExamples() {
    for (String name : List.of("proxy", "operator", "demo")) {
      CommandLine sub = CLI.getSubcommands().get(name);
      assertThat(sub.getCommandSpec().usageMessage().sortOptions()).as(name).isFalse();
      for (OptionSpec option : sub.getCommandSpec().options()) {
        if (option.arity().max() > 0) {
          assertThat(option.paramLabel()).as(name + " " + option.longestName())
              .doesNotStartWith("<").isUpperCase();
        }
        if (option.defaultValue() != null) {
          assertThat(String.join(" ", option.description())).as(name + " " + option.longestName())
              .contains("(default: ");
        }
      }
      assertThat(sub.getUsageMessage(CommandLine.Help.Ansi.OFF)).as(name).contains("Examples:");
    }
  }
}
