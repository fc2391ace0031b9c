package io.stickypool.operator.model;

/**
 * Where things live inside a proxy pod. The ConfigMap's document names the key file by path, and
 * the Deployment mounts the volumes at these paths, so both read them from here.
 */
public final class ProxyLayout {
  static final String ROUTES_DIR = "/etc/stickypool/routes";
  static final String CONFIG_KEY = "proxy.json";
  static final String CONFIG_FILE = ROUTES_DIR + "/" + CONFIG_KEY;
  static final String KEYS_DIR = "/etc/stickypool/keys";
  static final String KEYS_KEY = "keys";
  static final String KEY_FILE = KEYS_DIR + "/" + KEYS_KEY;
  static final String TMP_DIR = "/tmp";

  static final String HTTP_PORT_NAME = "http";
  static final String ADMIN_PORT_NAME = "admin";
  /** The proxy's default admin port; fixed because probes and scrapers address it by name. */
  public static final int ADMIN_PORT = 9901;

  private ProxyLayout() {}
}
