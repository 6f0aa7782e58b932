package io.walletplatform.common.config;

/** The address a service's HTTP server binds. */
public record HttpSettings(String host, int port) {

  public static HttpSettings from(Config config, String portVariable, int defaultPort) {
    return new HttpSettings(config.get("HTTP_HOST", "0.0.0.0"), config.getInt(portVariable, defaultPort, 0, 65535));
  }
}
