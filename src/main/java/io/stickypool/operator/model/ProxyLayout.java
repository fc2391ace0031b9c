package io.stickypool.operator.model;

/**
 * Where things live inside a proxy pod, and the routes ConfigMap's key. The ConfigMap's document
 * names the key file by path, and the Deployment mounts the keys Secret at that path, so both read
 * them from here. The proxy reads the ConfigMap through the API server, not from a volume.
 */
public final class ProxyLayout {
  static final String CONFIG_KEY = "proxy.json";
  public static final String KEYS_DIR = "/etc/stickypool/keys";
  static final String KEYS_KEY = "keys";
  static final String KEY_FILE = KEYS_DIR + "/" + KEYS_KEY;
  static final String TMP_DIR = "/tmp";

  static final String HTTP_PORT_NAME = "http";
  static final String ADMIN_PORT_NAME = "admin";
  /** The proxy's default admin port; fixed because probes and scrapers address it by name. */
  public static final int ADMIN_PORT = 9901;

  private ProxyLayout() {}
}
