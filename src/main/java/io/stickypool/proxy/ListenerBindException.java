package io.stickypool.proxy;

import io.stickypool.proxy.config.HostPort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * A listener could not bind its address: another process holds it, it is not an address of this
 * host, or the port is privileged. The message is one line for the command line: which listener,
 * which address, why, and the setting that chooses another.
 */
public final class ListenerBindException extends IOException {
  /** The proxy's two listeners, with the flag and config key that set each one's address. */
  enum Listener {
    TRAFFIC("traffic", "--listen", "proxy.listen"),
    ADMIN("the admin port", "--admin", "proxy.admin");

    private final String what;
    private final String flag;
    private final String key;

    Listener(String what, String flag, String key) {
      this.what = what;
      this.flag = flag;
      this.key = key;
    }
  }

  /** Binds one listener. */
  interface Bind {
    InetSocketAddress bind() throws Exception;
  }

  private ListenerBindException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Runs {@code bind} and returns the bound address.
   *
   * @throws ListenerBindException when binding fails, naming {@code address} and what to do
   */
  static InetSocketAddress bind(Listener listener, InetSocketAddress address, Bind bind) throws Exception {
    try {
      return bind.bind();
    } catch (IOException e) {
      throw new ListenerBindException(message(listener, address, e), e);
    }
  }

  static String message(Listener listener, InetSocketAddress address, Throwable failure) {
    String where = "cannot listen for " + listener.what + " on "
        + new HostPort(address.getHostString(), address.getPort()) + ": ";
    String setting = " (" + listener.flag + ", or " + listener.key + " in a config file)";
    String why = reason(failure);
    if (why.toLowerCase(Locale.ROOT).contains("already in use")) {
      return where + "the address is already in use; stop the process that holds it or choose"
          + " another port" + setting;
    }
    return where + why + "; choose another address" + setting;
  }

  /** The OS's reason, without the "bind(..) failed: " prefix of Netty's native transports. */
  private static String reason(Throwable failure) {
    String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    int colon = message.startsWith("bind(") ? message.indexOf(": ") : -1;
    return colon < 0 ? message : message.substring(colon + 2);
  }
}
