package io.stickypool.cli;

import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.routes.RoutesSource;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The --config path of the proxy command. */
final class ConfigFileSupport {
  private ConfigFileSupport() {}

  static ProxyConfig load(CommandLine.Model.CommandSpec spec, Path file, Path keyFile, Path tokenFile) {
    throw new ParameterException(spec.commandLine(), "--config is not available in this build yet; use the quick-start flags");
  }

  static RoutesSource routes(Path file) {
    throw new IllegalStateException("--config is not available in this build yet");
  }
}
